import * as fs from 'node:fs';
import * as path from 'node:path';
import { ORACLE_DOCUMENTED_PRIVILEGES as DOC, ORACLE_GUIDE } from '../../../modules/dms-migration';

/**
 * The Oracle runbooks cannot run here (no Oracle engine in this repository). These tests read them as text, with
 * comments stripped (so a commented-out conditional grant is not a grant), and hold every privilege they grant to the
 * DMS User Guide's lists (ORACLE_DOCUMENTED_PRIVILEGES, literals with their citations). They do not check Oracle
 * syntax or that the grants succeed.
 */
const DIR = path.resolve(__dirname, '../../../templates/oracle');
const raw = (name: string) => fs.readFileSync(path.join(DIR, name), 'utf8');

/** The statements SQL*Plus would run: block comments, `--` comments and PROMPT lines removed. */
function code(name: string): string {
  return raw(name)
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .map((l) => l.replace(/--.*$/, ''))
    .filter((l) => !/^\s*PROMPT\b/i.test(l))
    .join('\n');
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toUpperCase();

/** Static `GRANT <privilege> TO &&dms_user;` statements (line-initial: dynamic SQL in quotes is not matched). */
function grants(name: string): string[] {
  return [...code(name).matchAll(/^\s*GRANT\s+(.+?)\s+TO\s+&&dms_user\s*;/gim)].map((m) => norm(m[1]));
}

/** `rdsadmin.rdsadmin_util.grant_sys_object('OBJECT', <user>, 'PRIVILEGE')` calls, as 'PRIVILEGE OBJECT'. */
function sysObjects(name: string): string[] {
  return [...code(name).matchAll(/grant_sys_object\(\s*'([^']+)'\s*,\s*UPPER\('&&dms_user'\)\s*,\s*'([^']+)'\s*\)/gi)].map((m) => norm(`${m[2]} ${m[1]}`));
}

const LOGMINER_ONLY = ['EXECUTE ON DBMS_LOGMNR', 'LOGMINING'];
const BINARY_READER_ONLY = DOC.binaryReader as readonly string[];
const sorted = (xs: readonly string[]) => [...xs].map(norm).sort();

describe('30-user-self-managed.sql (DMS guide: User account privileges required on a self-managed Oracle source)', () => {
  const g = grants('30-user-self-managed.sql');

  test('grants every documented privilege, and nothing outside the documented list', () => {
    expect(sorted(g.filter((x) => !(DOC.selfManagedConditional as readonly string[]).includes(x)))).toEqual(sorted(DOC.selfManaged));
    for (const x of g) expect([...DOC.selfManaged, ...DOC.selfManagedConditional]).toContain(x);
  });

  test('of the conditional grants, only DBMS_CRYPTO (validation is on by default) is active; the others stay commented out', () => {
    expect(g.filter((x) => (DOC.selfManagedConditional as readonly string[]).includes(x))).toEqual(['EXECUTE ON SYS.DBMS_CRYPTO']);
    expect(raw('30-user-self-managed.sql')).toMatch(/-- GRANT SELECT ON SYS\.ENC\$ TO &&dms_user;/);
  });

  test('no capture-mode privileges, no SELECT ANY TABLE, no ALTER; per-table SELECT on the schema', () => {
    for (const x of [...LOGMINER_ONLY, ...BINARY_READER_ONLY]) expect(g).not.toContain(x);
    expect(code('30-user-self-managed.sql')).not.toMatch(/SELECT ANY TABLE|GRANT ALTER/i);
    expect(code('30-user-self-managed.sql')).toMatch(/'GRANT SELECT ON "' \|\| UPPER\('&&schema_name'\) \|\| '"\."' \|\| t\.table_name \|\| '" TO &&dms_user'/);
  });

  test('the password is typed at a hidden prompt, never an argument or a literal', () => {
    expect(code('30-user-self-managed.sql')).toMatch(/ACCEPT dms_password CHAR PROMPT '[^']*' HIDE/);
    expect(code('30-user-self-managed.sql')).toMatch(/IDENTIFIED BY "&&dms_password"/);
    expect(code('30-user-self-managed.sql')).toMatch(/SET VERIFY OFF/);
    expect(code('30-user-self-managed.sql')).toMatch(/UNDEFINE dms_password/);
  });
});

describe('31-user-self-managed-logminer.sql (Account privileges required when using Oracle LogMiner)', () => {
  const g = grants('31-user-self-managed-logminer.sql');
  test('exactly the LogMiner list', () => expect(sorted(g)).toEqual(sorted(DOC.logMiner)));
  test('no Binary Reader privilege (directories, file transfer)', () => {
    for (const x of BINARY_READER_ONLY) expect(g).not.toContain(x);
  });
});

describe('32-user-self-managed-binary-reader.sql (Account privileges required when using AWS DMS Binary Reader)', () => {
  const g = grants('32-user-self-managed-binary-reader.sql');
  test('exactly the Binary Reader list (with DBA_DIRECTORIES)', () => expect(sorted(g)).toEqual(sorted(DOC.binaryReader)));
  test('no LogMiner-only privilege', () => {
    for (const x of LOGMINER_ONLY) expect(g).not.toContain(x);
  });
});

describe('40-user-rds.sql (User account privileges required on an AWS-managed Oracle source)', () => {
  const g = grants('40-user-rds.sql');
  const s = sysObjects('40-user-rds.sql');

  test('the plain GRANTs are the documented ones', () => expect(sorted(g)).toEqual(sorted(DOC.rdsGrants)));

  test('grant_sys_object: every documented object, plus only DBMS_CRYPTO of the conditional ones', () => {
    expect(sorted(s)).toEqual(sorted([...DOC.rdsSysObjects, 'EXECUTE DBMS_CRYPTO']));
  });

  test('no Binary Reader grant (DBA_DIRECTORIES, directories) in the LogMiner-sufficient script', () => {
    expect(s).not.toContain('SELECT DBA_DIRECTORIES');
    expect(code('40-user-rds.sql')).not.toMatch(/DIRECTORY/i);
  });
});

describe('41-user-rds-binary-reader.sql (Configuring a CDC task to use Binary Reader with an RDS for Oracle source)', () => {
  const c = code('41-user-rds-binary-reader.sql');
  test('creates the two server-level directories, then READ on them and DBA_DIRECTORIES', () => {
    expect(c).toMatch(/EXEC rdsadmin\.rdsadmin_master_util\.create_archivelog_dir;/);
    expect(c).toMatch(/EXEC rdsadmin\.rdsadmin_master_util\.create_onlinelog_dir;/);
    expect(c.indexOf('create_onlinelog_dir')).toBeLessThan(c.indexOf('GRANT READ'));
    const all = [...sysObjects('41-user-rds-binary-reader.sql'), ...grants('41-user-rds-binary-reader.sql')];
    expect(sorted(all)).toEqual(sorted(DOC.rdsBinaryReader));
  });
});

describe('archiving and supplemental logging', () => {
  test('10-archivelog-rds.sql: archivelog retention hours via rdsadmin, then COMMIT ("the commit is required")', () => {
    const c = code('10-archivelog-rds.sql');
    expect(c).toMatch(/rdsadmin\.rdsadmin_util\.set_configuration\('archivelog retention hours', &&retention_hours\);\s*COMMIT;/);
  });

  test('10-archivelog-self-managed.sql checks log_mode; the restart into ARCHIVELOG is left to the DBA (commented out)', () => {
    expect(code('10-archivelog-self-managed.sql')).toMatch(/SELECT log_mode FROM v\$database;/);
    expect(code('10-archivelog-self-managed.sql')).not.toMatch(/SHUTDOWN/);
    expect(raw('10-archivelog-self-managed.sql')).toMatch(/-- ALTER DATABASE ARCHIVELOG;/);
  });

  test('20-supplemental-logging-rds.sql: database level through rdsadmin (ADD, then ADD PRIMARY KEY), no ALTER DATABASE', () => {
    const c = code('20-supplemental-logging-rds.sql');
    expect(c).toMatch(/rdsadmin\.rdsadmin_util\.alter_supplemental_logging\('ADD'\);\s*EXEC rdsadmin\.rdsadmin_util\.alter_supplemental_logging\('ADD', 'PRIMARY KEY'\);/);
    expect(c).not.toMatch(/ALTER DATABASE/);
  });

  test.each(['20-supplemental-logging-self-managed.sql', '20-supplemental-logging-rds.sql'])('%s: table level PK, unique-index log group ALWAYS, else ALL COLUMNS; idempotent', (name) => {
    const c = code(name);
    expect(c).toMatch(/ADD SUPPLEMENTAL LOG DATA \(PRIMARY KEY\) COLUMNS/);
    expect(c).toMatch(/ADD SUPPLEMENTAL LOG GROUP DMS_LG_' \|\| t\.object_id \|\| ' \(' \|\| v_cols \|\| '\) ALWAYS/);
    expect(c).toMatch(/ADD SUPPLEMENTAL LOG DATA \(ALL\) COLUMNS/);
    // Never the form the guide warns does not log the unique index columns.
    expect(c).not.toMatch(/\(UNIQUE INDEX\) COLUMNS/);
    for (const t of ['ALL COLUMN LOGGING', 'PRIMARY KEY LOGGING', 'USER LOG GROUP']) expect(c).toContain(`has_log(t.table_name, '${t}')`);
  });

  test('self-managed database level only when supplemental_log_data_min is neither YES nor IMPLICIT', () => {
    expect(code('20-supplemental-logging-self-managed.sql')).toMatch(/IF v_min NOT IN \('YES', 'IMPLICIT'\) THEN\s*EXECUTE IMMEDIATE 'ALTER DATABASE ADD SUPPLEMENTAL LOG DATA';/);
  });
});

describe('every runbook', () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.sql'));

  test('there are the documented steps', () => {
    expect(files.sort()).toEqual([
      '00-preflight-checks.sql',
      '10-archivelog-rds.sql',
      '10-archivelog-self-managed.sql',
      '20-supplemental-logging-rds.sql',
      '20-supplemental-logging-self-managed.sql',
      '30-user-self-managed.sql',
      '31-user-self-managed-logminer.sql',
      '32-user-self-managed-binary-reader.sql',
      '40-user-rds.sql',
      '41-user-rds-binary-reader.sql',
      '90-after-cutover.sql',
    ]);
  });

  test.each(fs.readdirSync(DIR).filter((f) => f.endsWith('.sql')))('%s stops at the first error and cites a section of the DMS guide page that exists in ORACLE_GUIDE', (f) => {
    expect(code(f)).toMatch(/WHENEVER SQLERROR EXIT SQL\.SQLCODE/);
    const cited = [...raw(f).matchAll(/https:\/\/docs\.aws\.amazon\.com\/dms\/latest\/userguide\/CHAP_Source\.Oracle\.html#[A-Za-z_.-]+/g)].map((m) => m[0]);
    expect(cited.length).toBeGreaterThan(0);
    const known = new Set<string>(Object.values(ORACLE_GUIDE));
    for (const url of cited) expect(known).toContain(url);
  });

  test('the README lists every script', () => {
    const readme = raw('README.md');
    for (const f of files) expect(readme).toContain(f);
  });
});
