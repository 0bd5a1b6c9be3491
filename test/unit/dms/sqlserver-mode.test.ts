import {
  cdcSupport,
  migrationTypesFor,
  pickSqlServerMode,
  SqlServerModeError,
  SqlServerSourceFacts,
  sqlServerExtraConnectionAttributes,
  validateSqlServerMode,
  usesNonSysadminWrapper,
  validateSqlServerOptions,
} from '../../../modules/dms-migration';

const base: SqlServerSourceFacts = { edition: 'enterprise', version: 2019, continuous: true, tablesWithoutPrimaryKey: false, recoveryModel: 'FULL' };

describe('pickSqlServerMode (playbook rules + DOMAIN_NOTES)', () => {
  test.each<[string, Partial<SqlServerSourceFacts>, string]>([
    ['not continuous -> full-load-only (one-off / reporting server)', { continuous: false }, 'full-load-only'],
    ['Express, not continuous -> full-load-only', { edition: 'express', continuous: false }, 'full-load-only'],
    ['tables without primary keys -> ms-cdc', { tablesWithoutPrimaryKey: true }, 'ms-cdc'],
    ['Enterprise with keys -> ms-cdc', {}, 'ms-cdc'],
    ['Developer -> ms-cdc', { edition: 'developer' }, 'ms-cdc'],
    ['Standard with keys and sysadmin -> ms-replication (playbook: not Enterprise/Developer)', { edition: 'standard', sysadmin: true }, 'ms-replication'],
    ['Standard with keys and a DBA-made distributor -> ms-replication', { edition: 'standard', distributionConfigured: true }, 'ms-replication'],
    ['Standard 2016 SP1 without sysadmin -> ms-cdc', { edition: 'standard', version: 2016, servicePack: 1 }, 'ms-cdc'],
    ['Standard 2017 without sysadmin -> ms-cdc (no service pack needed after 2016)', { edition: 'standard', version: 2017 }, 'ms-cdc'],
    ['Standard 2019 without keys -> ms-cdc', { edition: 'standard', tablesWithoutPrimaryKey: true }, 'ms-cdc'],
    ['RDS Standard -> ms-cdc (no MS-Replication on RDS)', { edition: 'standard', hosting: 'rds', sysadmin: true }, 'ms-cdc'],
    ['Azure SQL Managed Instance -> ms-cdc', { hosting: 'azure-sql-managed-instance' }, 'ms-cdc'],
    ['Web edition with keys and sysadmin -> ms-replication', { edition: 'web', sysadmin: true }, 'ms-replication'],
  ])('%s', (_name, facts, mode) => {
    const choice = pickSqlServerMode({ ...base, ...facts });
    expect(choice.mode).toBe(mode);
    expect(choice.reasons.length).toBeGreaterThan(0);
  });

  test('fails when Express must run continuously, saying why and how to fix', () => {
    expect(() => pickSqlServerMode({ ...base, edition: 'express' })).toThrow(
      /continuous migration is impossible for this source: SQL Server Express has no CDC .*; and SQL Server Express cannot publish for replication\. Fix: use full-load-only re-run on a schedule/,
    );
  });

  test('fails when tables lack primary keys on an edition without CDC', () => {
    expect(() => pickSqlServerMode({ ...base, edition: 'standard', version: 2014, tablesWithoutPrimaryKey: true })).toThrow(
      'tables without primary keys need MS-CDC, but CDC on Standard edition needs SQL Server 2016 SP1 or later; this is 2014. Fix: add primary keys',
    );
  });

  // CDC came to Standard edition with SQL Server 2016 SP1 (DMS guide, "Using a Microsoft SQL Server database as a
  // source", https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.SQLServer.html): 2016 RTM has none.
  test.each<[string, Partial<SqlServerSourceFacts>]>([
    ['no service pack given', {}],
    ['servicePack 0 (RTM)', { servicePack: 0 }],
  ])('fails when Standard 2016 without SP1 (%s) must run continuously without sysadmin', (_name, facts) => {
    expect(() => pickSqlServerMode({ ...base, edition: 'standard', version: 2016, ...facts })).toThrow(
      'continuous migration is impossible for this source: CDC on Standard edition needs SQL Server 2016 SP1 or later; this is 2016; and MS-Replication needs a sysadmin DMS login',
    );
    expect(() => pickSqlServerMode({ ...base, edition: 'standard', version: 2016, tablesWithoutPrimaryKey: true, ...facts })).toThrow(
      'tables without primary keys need MS-CDC, but CDC on Standard edition needs SQL Server 2016 SP1 or later; this is 2016. Fix: add primary keys',
    );
  });

  test('fails when Azure SQL Database must run continuously', () => {
    expect(() => pickSqlServerMode({ ...base, hosting: 'azure-sql-database' })).toThrow('Azure SQL Database offers no change capture that DMS can read');
  });
});

describe('validateSqlServerMode', () => {
  test('accepts MS-CDC on Standard 2016 SP1 and on Standard 2017', () => {
    expect(validateSqlServerMode('ms-cdc', { ...base, edition: 'standard', version: 2016, servicePack: 1 })).toEqual([]);
    expect(validateSqlServerMode('ms-cdc', { ...base, edition: 'standard', version: 2017 })).toEqual([]);
  });

  test('accepts the picked mode for each rule', () => {
    for (const facts of [base, { ...base, continuous: false }, { ...base, edition: 'standard' as const, sysadmin: true }]) {
      expect(validateSqlServerMode(pickSqlServerMode(facts).mode, facts)).toEqual([]);
    }
  });

  test.each<[string, string, Partial<SqlServerSourceFacts>, string]>([
    ['fails when MS-CDC is asked on Express', 'ms-cdc', { edition: 'express' }, "mode 'ms-cdc' is impossible: SQL Server Express has no CDC (and cannot publish for replication). Use 'full-load-only' re-run on a schedule, or upgrade the edition."],
    ['fails when MS-CDC is asked on Standard 2014', 'ms-cdc', { edition: 'standard', version: 2014 }, "mode 'ms-cdc' is impossible: CDC on Standard edition needs SQL Server 2016 SP1 or later; this is 2014."],
    ['fails when MS-CDC is asked on Standard 2016 without a service pack', 'ms-cdc', { edition: 'standard', version: 2016 }, "mode 'ms-cdc' is impossible: CDC on Standard edition needs SQL Server 2016 SP1 or later; this is 2016. Use 'full-load-only'"],
    ['fails when MS-CDC is asked on Standard 2016 RTM (servicePack 0)', 'ms-cdc', { edition: 'standard', version: 2016, servicePack: 0 }, "mode 'ms-cdc' is impossible: CDC on Standard edition needs SQL Server 2016 SP1 or later; this is 2016."],
    ['fails when MS-CDC is asked on Standard with no version known', 'ms-cdc', { edition: 'standard', version: undefined }, 'facts.version is not set'],
    ['fails when MS-CDC is asked on Web edition', 'ms-cdc', { edition: 'web' }, 'SQL Server web edition has no CDC'],
    ['fails when MS-CDC is asked on Web edition with sysadmin: points to MS-Replication', 'ms-cdc', { edition: 'web', sysadmin: true }, "Use 'ms-replication' (every table has a primary key) or 'full-load-only'."],
    ['fails when MS-CDC is asked on Azure SQL Database', 'ms-cdc', { hosting: 'azure-sql-database' }, 'Azure SQL Database offers no change capture that DMS can read'],
    ['fails when MS-Replication is asked for tables without primary keys', 'ms-replication', { tablesWithoutPrimaryKey: true, sysadmin: true }, "mode 'ms-replication' is impossible: MS-Replication captures only tables with primary keys, and some selected tables have none. Use 'ms-cdc' instead."],
    ['fails when MS-Replication is asked on RDS', 'ms-replication', { hosting: 'rds', sysadmin: true }, "MS-Replication is only for self-managed SQL Server; a rds source uses MS-CDC. Use 'ms-cdc' instead."],
    ['fails when MS-Replication is asked on Express', 'ms-replication', { edition: 'express', sysadmin: true }, 'SQL Server Express cannot publish for replication'],
    ['fails when MS-Replication has neither sysadmin nor a distributor', 'ms-replication', {}, 'MS-Replication needs a sysadmin DMS login (DMS creates the publication) or a distributor and publication set up beforehand (templates/sqlserver/ms-replication-setup.sql, then facts.distributionConfigured = true). Grant sysadmin to the DMS login, or run templates/sqlserver/ms-replication-setup.sql'],
    ['fails when full-load-only is asked for a continuous migration', 'full-load-only', {}, "mode 'full-load-only' copies the data once and captures no changes, but facts.continuous is true."],
    ['fails when a capture mode is asked for a one-off load', 'ms-cdc', { continuous: false }, "mode 'ms-cdc' captures ongoing changes, but facts.continuous is false. Use 'full-load-only'"],
    ['fails when the recovery model is SIMPLE', 'ms-cdc', { recoveryModel: 'SIMPLE' }, "mode 'ms-cdc' reads the transaction log, which the SIMPLE recovery model truncates. Run ALTER DATABASE ... SET RECOVERY FULL and take a full backup"],
  ])('%s', (_name, mode, facts, message) => {
    const problems = validateSqlServerMode(mode as 'ms-cdc', { ...base, ...facts });
    expect(problems.join(' ')).toContain(message);
  });
});

describe('extra connection attributes per mode', () => {
  const sysadmin = { sysadmin: true } as const;

  test('ms-replication relies on the replication agent', () => {
    expect(sqlServerExtraConnectionAttributes('ms-replication', {}, sysadmin)).toBe('safeguardPolicy=RELY_ON_SQL_SERVER_REPLICATION_AGENT;');
  });

  test('ms-cdc never tries to create a publication; sets up CDC itself only when asked', () => {
    expect(sqlServerExtraConnectionAttributes('ms-cdc', {}, sysadmin)).toBe('ignoreMsReplicationEnablement=true;');
    expect(sqlServerExtraConnectionAttributes('ms-cdc', { setUpMsCdcForTables: true, tlogAccessMode: 'PreferTlog' }, sysadmin)).toBe(
      'ignoreMsReplicationEnablement=true;setUpMsCdcForTables=true;tlogAccessMode=PreferTlog;',
    );
  });

  test.each([
    ['ms-cdc, self-managed, no sysadmin (the default facts)', 'ms-cdc', {}, undefined, true],
    ['ms-replication option B', 'ms-replication', { distributionConfigured: true }, undefined, true],
    ['a sysadmin login', 'ms-cdc', { sysadmin: true }, undefined, false],
    ['an RDS source (no sysadmin there, its own log-backup procedures)', 'ms-cdc', { hosting: 'rds' }, undefined, false],
    ['full-load-only', 'full-load-only', {}, undefined, false],
    ['asked off explicitly', 'ms-cdc', {}, false, false],
    ['asked on for a sysadmin login', 'ms-cdc', { sysadmin: true }, true, true],
  ] as const)('enableNonSysadminWrapper=true (DMS guide, without sysadmin role, step 16): %s', (_name, mode, facts, nonSysadminWrapper, expected) => {
    const attrs = sqlServerExtraConnectionAttributes(mode, { nonSysadminWrapper }, facts);
    expect(attrs.includes('enableNonSysadminWrapper=true;')).toBe(expected);
  });

  test.each([
    ['fails when readBackupOnly is asked on RDS', 'ms-cdc', { readBackupOnly: true }, { hosting: 'rds', sysadmin: true }, 'options.readBackupOnly does not work on a rds source'],
    ['fails when readBackupOnly is asked without sysadmin', 'ms-cdc', { readBackupOnly: true }, {}, 'options.readBackupOnly requires a sysadmin DMS login'],
    ['fails when readBackupOnly is asked without facts (sysadmin unknown)', 'ms-replication', { readBackupOnly: true }, undefined, 'options.readBackupOnly requires a sysadmin DMS login'],
    ['fails when readBackupOnly meets the non-sysadmin wrapper', 'ms-cdc', { readBackupOnly: true, nonSysadminWrapper: true }, { sysadmin: false }, 'while the endpoint is set up for a login without it'],
    ['fails when the wrapper is asked for an RDS source', 'ms-cdc', { nonSysadminWrapper: true }, { hosting: 'rds' }, 'options.nonSysadminWrapper needs the awsdms objects'],
    ['fails when the wrapper is asked for a full load', 'full-load-only', { nonSysadminWrapper: true }, {}, "a 'full-load-only' source reads only tables"],
  ] as const)('%s', (_name, mode, options, facts, message) => {
    expect(validateSqlServerOptions(mode, options, facts).join(' ')).toContain(message);
  });

  test('readBackupOnly passes for a sysadmin login on a self-managed server', () => {
    expect(validateSqlServerOptions('ms-cdc', { readBackupOnly: true }, { sysadmin: true })).toEqual([]);
  });

  test('full-load-only sets nothing mode-specific and ignores log settings', () => {
    expect(sqlServerExtraConnectionAttributes('full-load-only')).toBe('');
    expect(sqlServerExtraConnectionAttributes('full-load-only', { readBackupOnly: true, querySingleAlwaysOnNode: true })).toBe('querySingleAlwaysOnNode=true;');
  });

  test('migration types per mode', () => {
    expect(migrationTypesFor('full-load-only')).toEqual(['full-load']);
    expect(migrationTypesFor('ms-cdc')).toEqual(['full-load-and-cdc', 'cdc']);
  });
});

// Mutation testing (issue 19): each test below kills mutants of sqlserver-mode.ts that survived the first Stryker
// run (docs/mutation-scores.md lists them). They pin which rule picked a mode, not only the mode.
describe('pickSqlServerMode says which rule picked the mode', () => {
  test.each<[string, Partial<SqlServerSourceFacts>, string]>([
    ['a cloud-hosted source picks MS-CDC because it supports nothing else', { edition: 'standard', hosting: 'rds', sysadmin: true }, 'a rds source supports only MS-CDC for change capture'],
    ['an Azure SQL Managed Instance picks MS-CDC for the same reason', { hosting: 'azure-sql-managed-instance', sysadmin: true }, 'a azure-sql-managed-instance source supports only MS-CDC for change capture'],
    ['Enterprise picks MS-CDC because CDC captures every table', {}, 'CDC is available on the enterprise edition and captures every table'],
    ['Developer picks MS-CDC for the same reason', { edition: 'developer' }, 'CDC is available on the developer edition and captures every table'],
    ['Standard without sysadmin falls back to MS-CDC, saying why MS-Replication is out', { edition: 'standard', version: 2017 }, 'MS-Replication is not possible (MS-Replication needs a sysadmin DMS login'],
    ['Standard with sysadmin picks MS-Replication (playbook: not Enterprise/Developer)', { edition: 'standard', sysadmin: true }, 'the standard edition is not Enterprise/Developer and every table has a primary key: MS-Replication (playbook)'],
    ['tables without keys pick MS-CDC because only it captures them', { tablesWithoutPrimaryKey: true }, 'some tables have no primary key: only MS-CDC captures their changes'],
  ])('%s', (_name, facts, reason) => {
    expect(pickSqlServerMode({ ...base, ...facts }).reasons.join(' ')).toContain(reason);
  });

  // The playbook picks MS-Replication only "when the edition is not Enterprise/Developer": a sysadmin login makes
  // MS-Replication possible on Enterprise too, and it must still not be chosen there.
  test.each<[string, Partial<SqlServerSourceFacts>]>([
    ['Enterprise', { edition: 'enterprise' }],
    ['Developer', { edition: 'developer' }],
  ])('%s with a sysadmin login (MS-Replication possible) still picks MS-CDC', (_name, facts) => {
    expect(pickSqlServerMode({ ...base, ...facts, sysadmin: true }).mode).toBe('ms-cdc');
  });
});

describe('validateSqlServerMode: the fix offered when MS-CDC is impossible', () => {
  test.each<[string, Partial<SqlServerSourceFacts>, string]>([
    ['Standard 2014 with keyless tables and sysadmin: add keys, then MS-Replication works', { edition: 'standard', version: 2014, tablesWithoutPrimaryKey: true, sysadmin: true }, "Add primary keys and use 'ms-replication', or use 'full-load-only' re-run on a schedule."],
    ['Express with keyless tables: adding keys does not help (Express cannot publish)', { edition: 'express', tablesWithoutPrimaryKey: true, sysadmin: true }, "Use 'full-load-only' re-run on a schedule, or upgrade the edition."],
    ['Azure SQL Database with keyless tables: adding keys does not help (no replication there)', { hosting: 'azure-sql-database', tablesWithoutPrimaryKey: true, sysadmin: true }, "Use 'full-load-only' re-run on a schedule, or upgrade the edition."],
    ['Standard 2014 with keys but no sysadmin: full load or upgrade', { edition: 'standard', version: 2014 }, "Use 'full-load-only' re-run on a schedule, or upgrade the edition."],
  ])('%s', (_name, facts, fix) => {
    const problems = validateSqlServerMode('ms-cdc', { ...base, ...facts });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^mode 'ms-cdc' is impossible: /);
    expect(problems[0].endsWith(fix)).toBe(true);
  });
});

describe('validateSqlServerOptions accepts what works and names each conflict once', () => {
  test.each<[string, 'ms-cdc' | 'ms-replication' | 'full-load-only', Record<string, unknown>, Record<string, unknown> | undefined]>([
    ['the wrapper on a self-managed capture source (its purpose)', 'ms-cdc', { nonSysadminWrapper: true }, {}],
    ['the wrapper for MS-Replication on a self-managed source', 'ms-replication', { nonSysadminWrapper: true }, { distributionConfigured: true }],
    ['no options on an RDS source', 'ms-cdc', {}, { hosting: 'rds' }],
    ['no options for a full load', 'full-load-only', {}, {}],
    ['the wrapper turned off on an RDS source', 'ms-cdc', { nonSysadminWrapper: false }, { hosting: 'rds' }],
    ['readBackupOnly for a sysadmin login that also asks for the wrapper (sysadmin can read backups)', 'ms-cdc', { readBackupOnly: true, nonSysadminWrapper: true }, { sysadmin: true }],
    ['readBackupOnly false without sysadmin (nothing is asked of the login)', 'ms-cdc', { readBackupOnly: false }, {}],
  ])('accepts %s', (_name, mode, options, facts) => {
    expect(validateSqlServerOptions(mode, options, facts)).toEqual([]);
  });

  test('fails once, with the sysadmin message only, when readBackupOnly is asked without sysadmin and the wrapper is off', () => {
    const problems = validateSqlServerOptions('ms-cdc', { readBackupOnly: true, nonSysadminWrapper: false }, { sysadmin: false });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('options.readBackupOnly requires a sysadmin DMS login');
  });

  test('fails twice when the wrapper is asked for a full load on RDS (both reasons are named)', () => {
    const problems = validateSqlServerOptions('full-load-only', { nonSysadminWrapper: true }, { hosting: 'rds' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain("a 'full-load-only' source reads only tables");
    expect(problems[1]).toContain('a rds source has no sysadmin');
  });
});

describe('extra connection attributes: the log-reading settings', () => {
  test.each<[string, 'ms-cdc' | 'ms-replication', boolean, string]>([
    ['readBackupOnly=true for ms-cdc', 'ms-cdc', true, 'readBackupOnly=true;'],
    ['readBackupOnly=false for ms-cdc (an explicit false is passed on, not dropped)', 'ms-cdc', false, 'readBackupOnly=false;'],
    ['readBackupOnly=true for ms-replication', 'ms-replication', true, 'readBackupOnly=true;'],
  ])('passes %s', (_name, mode, readBackupOnly, attr) => {
    const attrs = sqlServerExtraConnectionAttributes(mode, { readBackupOnly }, { sysadmin: true });
    expect(attrs.split(';')).toContain(attr.replace(/;$/, ''));
  });

  test('a full load never gets the non-sysadmin wrapper or log settings, even when asked', () => {
    expect(sqlServerExtraConnectionAttributes('full-load-only', { nonSysadminWrapper: true, readBackupOnly: false, tlogAccessMode: 'BackupOnly' }, {})).toBe('');
  });

  test('querySingleAlwaysOnNode=false is passed on, and additional attributes are merged in sorted order', () => {
    expect(sqlServerExtraConnectionAttributes('ms-cdc', { querySingleAlwaysOnNode: false, additional: { alwaysOnSharedSynchedBackupIsEnabled: 'false', zFirst: 'x' } }, { sysadmin: true })).toBe(
      'alwaysOnSharedSynchedBackupIsEnabled=false;ignoreMsReplicationEnablement=true;querySingleAlwaysOnNode=false;zFirst=x;',
    );
  });
});

// Second Stryker run (docs/mutation-scores.md): the survivors that name a rule.
describe('the rules behind the survivors of the second run', () => {
  test('a one-off load picks full-load-only because changes need not be captured', () => {
    expect(pickSqlServerMode({ ...base, continuous: false }).reasons.join(' ')).toContain('changes need not be captured');
  });

  test('the fallback to MS-CDC names the edition and version that support it', () => {
    expect(pickSqlServerMode({ ...base, edition: 'standard', version: 2017 }).reasons[0]).toMatch(/\); standard 2017 supports MS-CDC$/);
  });

  // CDC on Standard came with 2016 SP1: a service pack of an older release does not bring it.
  test.each<[number, number]>([
    [2014, 2],
    [2012, 4],
  ])('fails MS-CDC on Standard %i SP%i, naming release and service pack', (version, servicePack) => {
    expect(cdcSupport({ ...base, edition: 'standard', version, servicePack })).toEqual({
      ok: false,
      why: `CDC on Standard edition needs SQL Server 2016 SP1 or later; this is ${version} SP${servicePack}`,
    });
  });

  test('a cloud-hosted Standard source supports MS-CDC without a version (every RDS / Managed Instance release has it)', () => {
    expect(cdcSupport({ ...base, edition: 'standard', hosting: 'rds', version: undefined })).toEqual({ ok: true });
    expect(pickSqlServerMode({ ...base, edition: 'standard', hosting: 'azure-sql-managed-instance', version: undefined }).mode).toBe('ms-cdc');
  });

  test('accepts MS-Replication on Web edition with sysadmin although that edition has no CDC', () => {
    expect(validateSqlServerMode('ms-replication', { ...base, edition: 'web', sysadmin: true })).toEqual([]);
  });

  test('a full load never uses the non-sysadmin wrapper, so readBackupOnly there conflicts only with the missing sysadmin', () => {
    expect(usesNonSysadminWrapper('full-load-only', {}, {})).toBe(false);
    expect(validateSqlServerOptions('full-load-only', { readBackupOnly: true }, {})).toEqual([expect.stringContaining('options.readBackupOnly requires a sysadmin DMS login')]);
  });

  test('the error names itself, so logs and stack traces show SqlServerModeError', () => {
    let err: unknown;
    try {
      pickSqlServerMode({ ...base, edition: 'express' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SqlServerModeError);
    expect((err as Error).name).toBe('SqlServerModeError');
  });
});

describe('validateSqlServerMode: the fix offered when MS-Replication is impossible', () => {
  test.each<[string, Partial<SqlServerSourceFacts>, string]>([
    // Granting sysadmin or switching to MS-CDC cannot help on Express: it has neither publishing nor CDC.
    ['Express: full load or a bigger edition, not sysadmin', { edition: 'express' }, "Use 'full-load-only' re-run on a schedule, or upgrade the edition (Express has neither replication publishing nor CDC)."],
    ['Express with keyless tables: not MS-CDC either', { edition: 'express', tablesWithoutPrimaryKey: true, sysadmin: true }, "Use 'full-load-only' re-run on a schedule, or upgrade the edition (Express has neither replication publishing nor CDC)."],
    ['Standard with keyless tables: MS-CDC', { edition: 'standard', version: 2019, tablesWithoutPrimaryKey: true, sysadmin: true }, "Use 'ms-cdc' instead."],
    ['Standard without sysadmin: grant it or set up distribution', { edition: 'standard', version: 2019 }, 'Grant sysadmin to the DMS login, or run templates/sqlserver/ms-replication-setup.sql and set distributionConfigured: true.'],
  ])('%s', (_name, facts, fix) => {
    const problems = validateSqlServerMode('ms-replication', { ...base, ...facts });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^mode 'ms-replication' is impossible: /);
    expect(problems[0].endsWith(fix)).toBe(true);
  });
});
