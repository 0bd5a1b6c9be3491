/**
 * The playbook's three SQL Server set-ups as a typed choice, the rules that pick one from the source's facts,
 * the checks that refuse impossible combinations, and the extra connection attributes each mode needs.
 *
 * Rules (the playbook, corrected by newer AWS documentation, see DOMAIN_NOTES):
 * - Not continuous (one-off, or a reporting server re-loaded daily): `full-load-only`. No source set-up; the
 *   login needs db_owner (db_datareader is enough for reading; db_owner is what the playbook asks).
 * - Tables without primary keys: `ms-cdc` (MS-Replication captures only tables with primary keys).
 * - MS-CDC runs on Enterprise, Developer and Standard 2016 SP1 or later, and on every cloud-managed source
 *   (RDS, Azure SQL Managed Instance). Never on Express; Azure SQL Database has no CDC for DMS at all.
 * - MS-Replication: self-managed only; tables with primary keys; needs a sysadmin login (DMS creates the
 *   publication) or a distributor + publication a DBA set up (templates/sqlserver/ms-replication-setup.sql).
 *   The playbook picks it "when the edition is not Enterprise/Developer".
 * - Continuous modes need the FULL (or BULK_LOGGED) recovery model and a full backup taken.
 */

export type SqlServerMode = 'ms-cdc' | 'ms-replication' | 'full-load-only';

export const SQLSERVER_MODES: readonly SqlServerMode[] = ['ms-cdc', 'ms-replication', 'full-load-only'];

export type SqlServerEdition = 'enterprise' | 'developer' | 'standard' | 'web' | 'workgroup' | 'express';

/** Where the source runs. The playbook's source is on premises (`self-managed`, reached over the VPN). */
export type SqlServerHosting = 'self-managed' | 'rds' | 'azure-sql-managed-instance' | 'azure-sql-database';

/** What is known about the source; the facts a DBA can answer with templates/sqlserver/preflight-checks.sql. */
export interface SqlServerSourceFacts {
  readonly edition: SqlServerEdition;
  /** @default 'self-managed' */
  readonly hosting?: SqlServerHosting;
  /** Release year, e.g. 2016, 2019, 2022. Needed to decide CDC on Standard (2016 SP1+). */
  readonly version?: number;
  /** Service pack of SQL Server 2016 (1 for SP1). Later versions need none. */
  readonly servicePack?: number;
  /** Changes must keep flowing after the full load (false for one-off and reporting-server loads). */
  readonly continuous: boolean;
  /** Some selected tables have no primary key. */
  readonly tablesWithoutPrimaryKey: boolean;
  /** The DMS login is (or may temporarily be) sysadmin. @default false */
  readonly sysadmin?: boolean;
  /** A DBA already configured the distributor and publication (non-sysadmin MS-Replication). @default false */
  readonly distributionConfigured?: boolean;
  /** From `sys.databases.recovery_model_desc`. */
  readonly recoveryModel?: 'FULL' | 'BULK_LOGGED' | 'SIMPLE';
}

export interface ModeChoice {
  readonly mode: SqlServerMode;
  /** Why this mode, in the playbook's words. */
  readonly reasons: readonly string[];
}

/** Thrown when no mode can work; the message says why and what to change. */
export class SqlServerModeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlServerModeError';
  }
}

function hostingOf(facts: SqlServerSourceFacts): SqlServerHosting {
  return facts.hosting ?? 'self-managed';
}

/** Can this source run MS-CDC? Returns the reason when it cannot. */
export function cdcSupport(facts: SqlServerSourceFacts): { ok: true } | { ok: false; why: string } {
  const hosting = hostingOf(facts);
  if (hosting === 'azure-sql-database') {
    return { ok: false, why: 'Azure SQL Database offers no change capture that DMS can read (only full loads)' };
  }
  switch (facts.edition) {
    case 'enterprise':
    case 'developer':
      return { ok: true };
    case 'express':
      return { ok: false, why: 'SQL Server Express has no CDC (and cannot publish for replication)' };
    case 'web':
    case 'workgroup':
      return { ok: false, why: `SQL Server ${facts.edition} edition has no CDC; MS-CDC needs Enterprise, Developer or Standard 2016 SP1+` };
    case 'standard': {
      if (hosting !== 'self-managed') return { ok: true };
      if (facts.version === undefined) {
        return { ok: false, why: 'CDC on Standard edition needs SQL Server 2016 SP1 or later, and facts.version is not set' };
      }
      if (facts.version > 2016 || (facts.version === 2016 && (facts.servicePack ?? 0) >= 1)) return { ok: true };
      return {
        ok: false,
        why: `CDC on Standard edition needs SQL Server 2016 SP1 or later; this is ${facts.version}${facts.servicePack ? ` SP${facts.servicePack}` : ''}`,
      };
    }
  }
}

/** Can this source run MS-Replication? Returns the reason when it cannot. */
export function replicationSupport(facts: SqlServerSourceFacts): { ok: true } | { ok: false; why: string } {
  const hosting = hostingOf(facts);
  if (hosting !== 'self-managed') {
    return { ok: false, why: `MS-Replication is only for self-managed SQL Server; a ${hosting} source uses MS-CDC` };
  }
  if (facts.edition === 'express') return { ok: false, why: 'SQL Server Express cannot publish for replication' };
  if (facts.tablesWithoutPrimaryKey) {
    return { ok: false, why: 'MS-Replication captures only tables with primary keys, and some selected tables have none' };
  }
  if (!facts.sysadmin && !facts.distributionConfigured) {
    return {
      ok: false,
      why: 'MS-Replication needs a sysadmin DMS login (DMS creates the publication) or a distributor and publication set up beforehand (templates/sqlserver/ms-replication-setup.sql, then facts.distributionConfigured = true)',
    };
  }
  return { ok: true };
}

/** Picks the mode with the playbook's rules. Throws `SqlServerModeError` (saying why) when none can work. */
export function pickSqlServerMode(facts: SqlServerSourceFacts): ModeChoice {
  if (!facts.continuous) {
    return {
      mode: 'full-load-only',
      reasons: ['changes need not be captured (one-off load, or a reporting server re-loaded on a schedule): no source set-up needed'],
    };
  }
  const cdc = cdcSupport(facts);
  const repl = replicationSupport(facts);
  if (facts.tablesWithoutPrimaryKey) {
    if (cdc.ok) return { mode: 'ms-cdc', reasons: ['some tables have no primary key: only MS-CDC captures their changes'] };
    throw new SqlServerModeError(
      `continuous migration is impossible for this source: tables without primary keys need MS-CDC, but ${cdc.why}. ` +
        'Fix: add primary keys to those tables (then MS-Replication works), upgrade the edition, or migrate with full-load-only re-run on a schedule.',
    );
  }
  const enterpriseLike = facts.edition === 'enterprise' || facts.edition === 'developer';
  if (hostingOf(facts) !== 'self-managed' && cdc.ok) {
    return { mode: 'ms-cdc', reasons: [`a ${hostingOf(facts)} source supports only MS-CDC for change capture`] };
  }
  if (enterpriseLike && cdc.ok) {
    return { mode: 'ms-cdc', reasons: [`CDC is available on the ${facts.edition} edition and captures every table`] };
  }
  if (repl.ok) {
    return {
      mode: 'ms-replication',
      reasons: [`the ${facts.edition} edition is not Enterprise/Developer and every table has a primary key: MS-Replication (playbook)`],
    };
  }
  if (cdc.ok) {
    return { mode: 'ms-cdc', reasons: [`MS-Replication is not possible (${repl.why}); ${facts.edition} ${facts.version ?? ''} supports MS-CDC`.replace(/\s+/g, ' ')] };
  }
  throw new SqlServerModeError(
    `continuous migration is impossible for this source: ${cdc.why}; and ${repl.why}. ` +
      'Fix: use full-load-only re-run on a schedule, or make the DMS login sysadmin / set up distribution for MS-Replication.',
  );
}

/** Every reason `mode` cannot work with these facts (empty when it can). */
export function validateSqlServerMode(mode: SqlServerMode, facts: SqlServerSourceFacts): string[] {
  const problems: string[] = [];
  if (mode === 'full-load-only') {
    if (facts.continuous) {
      problems.push(
        "mode 'full-load-only' copies the data once and captures no changes, but facts.continuous is true. Choose 'ms-cdc' or 'ms-replication' (see pickSqlServerMode), or set continuous: false for a one-off or scheduled reload.",
      );
    }
    return problems;
  }
  if (!facts.continuous) {
    problems.push(
      `mode '${mode}' captures ongoing changes, but facts.continuous is false. Use 'full-load-only' (no source set-up needed), or set continuous: true.`,
    );
  }
  if (mode === 'ms-cdc') {
    const cdc = cdcSupport(facts);
    if (!cdc.ok) {
      const fix = replicationSupport(facts).ok
        ? "Use 'ms-replication' (every table has a primary key) or 'full-load-only'."
        : facts.tablesWithoutPrimaryKey && hostingOf(facts) === 'self-managed' && facts.edition !== 'express'
          ? "Add primary keys and use 'ms-replication', or use 'full-load-only' re-run on a schedule."
          : "Use 'full-load-only' re-run on a schedule, or upgrade the edition.";
      problems.push(`mode 'ms-cdc' is impossible: ${cdc.why}. ${fix}`);
    }
  }
  if (mode === 'ms-replication') {
    const repl = replicationSupport(facts);
    if (!repl.ok) {
      // Express can neither publish nor run CDC: neither sysadmin nor the other capture mode helps there.
      const fix =
        facts.edition === 'express'
          ? "Use 'full-load-only' re-run on a schedule, or upgrade the edition (Express has neither replication publishing nor CDC)."
          : facts.tablesWithoutPrimaryKey || hostingOf(facts) !== 'self-managed'
            ? "Use 'ms-cdc' instead."
            : 'Grant sysadmin to the DMS login, or run templates/sqlserver/ms-replication-setup.sql and set distributionConfigured: true.';
      problems.push(`mode 'ms-replication' is impossible: ${repl.why}. ${fix}`);
    }
  }
  if (facts.recoveryModel === 'SIMPLE') {
    problems.push(
      `mode '${mode}' reads the transaction log, which the SIMPLE recovery model truncates. Run ALTER DATABASE ... SET RECOVERY FULL and take a full backup (templates/sqlserver/preflight-checks.sql), then set recoveryModel: 'FULL'.`,
    );
  }
  return problems;
}

/** DMS User Guide pages the SQL Server rules below follow. */
export const SQLSERVER_GUIDE = {
  source: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.SQLServer.html',
  cdc: 'https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.SQLServer.CDC.html',
} as const;

/** Typed SQL Server endpoint settings (the provider has no block for them: they become extra connection attributes). */
export interface SqlServerEndpointOptions {
  /**
   * Read changes only from log backups (when the active log is not reachable). Needs a sysadmin login
   * (`facts.sysadmin: true`) and does not work on RDS (DMS guide, SQL Server endpoint settings, ReadBackupOnly):
   * both are refused at synth.
   * @default false
   */
  readonly readBackupOnly?: boolean;
  /**
   * `enableNonSysadminWrapper=true`: DMS reads the log through the certificate-signed procedures that
   * templates/sqlserver/non-sysadmin-wrapper.sql creates in master, instead of needing sysadmin (DMS guide,
   * "Setting up ongoing replication on a standalone SQL Server: Without sysadmin role", step 16). Only for
   * self-managed servers: cloud sources read log backups through their own procedures.
   * @default true for ms-cdc and ms-replication on a self-managed source whose `facts.sysadmin` is not true (the
   *   runbook's non-sysadmin path); false otherwise
   */
  readonly nonSysadminWrapper?: boolean;
  /** How DMS reads the log. @default unset (DMS's default, PreferTlog) */
  readonly tlogAccessMode?: 'BackupOnly' | 'PreferBackup' | 'PreferTlog' | 'TlogOnly';
  /** Query only one node of an Always On group. */
  readonly querySingleAlwaysOnNode?: boolean;
  /**
   * Let DMS enable MS-CDC on the database and every selected table (DMS 3.4.7+; needs a sysadmin login on a
   * self-managed server). Otherwise run templates/sqlserver/ms-cdc-enable.sql first.
   * @default false
   */
  readonly setUpMsCdcForTables?: boolean;
  /** Other documented attributes, verbatim (`name=value`). */
  readonly additional?: Record<string, string>;
}

/** Whether the source endpoint reads the log through the non-sysadmin wrapper (see `nonSysadminWrapper`). */
export function usesNonSysadminWrapper(mode: SqlServerMode, options: SqlServerEndpointOptions = {}, facts?: Partial<SqlServerSourceFacts>): boolean {
  if (options.nonSysadminWrapper !== undefined) return options.nonSysadminWrapper;
  return mode !== 'full-load-only' && (facts?.hosting ?? 'self-managed') === 'self-managed' && facts?.sysadmin !== true;
}

/**
 * Every reason these endpoint options cannot work with this mode and source (empty when they can).
 * - ReadBackupOnly "requires sysadmin privileges" and "does not work on Amazon RDS SQL Server source instances"
 *   (DMS guide, endpoint settings when using SQL Server as a source).
 * - The non-sysadmin wrapper exists for self-managed servers, for change capture.
 */
export function validateSqlServerOptions(mode: SqlServerMode, options: SqlServerEndpointOptions = {}, facts?: Partial<SqlServerSourceFacts>): string[] {
  const problems: string[] = [];
  const hosting = facts?.hosting ?? 'self-managed';
  if (options.readBackupOnly) {
    if (hosting !== 'self-managed') {
      problems.push(
        `options.readBackupOnly does not work on a ${hosting} source: DMS reads cloud-hosted log backups its own way, and the guide says ReadBackupOnly does not work on RDS (${SQLSERVER_GUIDE.source}#CHAP_Source.SQLServer.ConnectionAttrib). Drop the option.`,
      );
    } else if (facts?.sysadmin !== true) {
      problems.push(
        `options.readBackupOnly requires a sysadmin DMS login (${SQLSERVER_GUIDE.source}#CHAP_Source.SQLServer.ConnectionAttrib), and facts.sysadmin is not true. Drop the option (DMS then reads the active log and falls back to log backups), or make the login sysadmin and set facts.sysadmin: true.`,
      );
    }
    if (usesNonSysadminWrapper(mode, options, facts) && facts?.sysadmin !== true) {
      problems.push('options.readBackupOnly needs sysadmin, while the endpoint is set up for a login without it (nonSysadminWrapper). Choose one.');
    }
  }
  if (options.nonSysadminWrapper) {
    if (mode === 'full-load-only') {
      problems.push("options.nonSysadminWrapper reads the transaction log for change capture; a 'full-load-only' source reads only tables. Drop the option.");
    }
    if (hosting !== 'self-managed') {
      problems.push(
        `options.nonSysadminWrapper needs the awsdms objects of templates/sqlserver/non-sysadmin-wrapper.sql, whose certificate logins are sysadmin: a ${hosting} source has no sysadmin and reads log backups through its own procedures (templates/sqlserver/login-ms-cdc.sql, Hosting="rds"). Drop the option.`,
      );
    }
  }
  return problems;
}

/**
 * The extra connection attributes for a mode, as `name=value;name=value;` (sorted for a stable plan).
 * - ms-replication: `safeguardPolicy=RELY_ON_SQL_SERVER_REPLICATION_AGENT` (the Log Reader Agent moves the
 *   log truncation point only after DMS read the changes).
 * - ms-cdc: `ignoreMsReplicationEnablement=true` (DMS must not try to create a publication: a non-sysadmin
 *   login fails with "Only members of the sysadmin fixed server role..."), and `setUpMsCdcForTables=true` when
 *   asked.
 * - ms-cdc and ms-replication on a self-managed server without a sysadmin login: `enableNonSysadminWrapper=true`
 *   (DMS guide, standalone without sysadmin role, step 16; templates/sqlserver/non-sysadmin-wrapper.sql).
 * - full-load-only: nothing mode-specific.
 */
export function sqlServerExtraConnectionAttributes(mode: SqlServerMode, options: SqlServerEndpointOptions = {}, facts?: Partial<SqlServerSourceFacts>): string {
  const attrs: Record<string, string> = {};
  if (mode === 'ms-replication') attrs.safeguardPolicy = 'RELY_ON_SQL_SERVER_REPLICATION_AGENT';
  if (mode === 'ms-cdc') {
    attrs.ignoreMsReplicationEnablement = 'true';
    if (options.setUpMsCdcForTables) attrs.setUpMsCdcForTables = 'true';
  }
  if (mode !== 'full-load-only' && usesNonSysadminWrapper(mode, options, facts)) attrs.enableNonSysadminWrapper = 'true';
  if (mode !== 'full-load-only') {
    if (options.readBackupOnly !== undefined) attrs.readBackupOnly = options.readBackupOnly ? 'true' : 'false';
    if (options.tlogAccessMode) attrs.tlogAccessMode = options.tlogAccessMode;
  }
  if (options.querySingleAlwaysOnNode !== undefined) attrs.querySingleAlwaysOnNode = options.querySingleAlwaysOnNode ? 'true' : 'false';
  for (const [k, v] of Object.entries(options.additional ?? {})) attrs[k] = v;
  const keys = Object.keys(attrs).sort();
  return keys.length ? keys.map((k) => `${k}=${attrs[k]}`).join(';') + ';' : '';
}

/** The DMS migration types a mode allows. */
export function migrationTypesFor(mode: SqlServerMode): ReadonlyArray<'full-load' | 'cdc' | 'full-load-and-cdc'> {
  return mode === 'full-load-only' ? ['full-load'] : ['full-load-and-cdc', 'cdc'];
}
