import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSqlcmdScript } from '../../helpers/sqlcmd-script';

/**
 * The SQL Server runbooks cannot run here (no SQL Server): these tests read them the way sqlcmd does (variables,
 * batches, USE, constant conditions) and check each grant and setting against the DMS User Guide pages the
 * runbooks cite, in the database it must run in.
 */
const DIR = path.resolve(__dirname, '../../../templates/sqlserver');
const read = (name: string) => fs.readFileSync(path.join(DIR, name), 'utf8');
const LOGIN = 'dms_login';
const BASE = { DatabaseName: 'Billing', DmsLogin: LOGIN, DmsPassword: 'typed-at-run-time' };

/** Regex for one statement, tolerant of brackets and case: grant('VIEW SERVER STATE') etc. */
const stmt = (text: string) => new RegExp(text.replace(/[.*+?^${}()|\\]/g, '\\$&').replace(/\[/g, '\\[?').replace(/\]/g, '\\]?').replace(/ /g, '\\s+'), 'i');
const grant = (what: string) => stmt(`GRANT ${what} TO [${LOGIN}]`);

describe('sqlcmd reader (test helper)', () => {
  const script = `:on error exit
USE master;
IF N'$(Mode)' = N'a'
BEGIN
  PRINT 'a';
  IF (SELECT 1) = 1 BEGIN PRINT 'nested'; END;
END
ELSE
BEGIN
  PRINT 'b';
END;
GO
USE [$(DatabaseName)]; -- comment
/* block
   comment */
EXEC (N'USE msdb; PRINT ''dynamic''');
IF N'$(Mode)' IN (N'x', N'a') PRINT 'in-list';
`;

  test('follows USE, decides constant conditions, keeps sqlcmd commands', () => {
    const a = readSqlcmdScript(script, { Mode: 'a', DatabaseName: 'Billing' });
    expect(a.commands).toEqual([':on error exit']);
    expect(a.in('master')).toContain("PRINT 'a'");
    expect(a.in('master')).toContain("PRINT 'nested'");
    expect(a.in('master')).not.toContain("PRINT 'b'");
    expect(a.in('Billing')).toContain("PRINT 'in-list'");
    // USE inside dynamic SQL does not move the session.
    expect(a.in('Billing')).toContain('USE msdb');
    expect(a.in('msdb')).toBe('');
    const b = readSqlcmdScript(script, { Mode: 'b', DatabaseName: 'Billing' });
    expect(b.in('master')).toContain("PRINT 'b'");
    expect(b.in('master')).not.toContain("PRINT 'a'");
    expect(b.all).not.toContain('in-list');
    expect(b.all).not.toContain('comment');
  });

  test('fails when a variable is not given (as sqlcmd does)', () => {
    expect(() => readSqlcmdScript(script, { Mode: 'a' })).toThrow('sqlcmd variable DatabaseName is not defined');
  });
});

describe('login-full-load-only.sql (DMS guide: Permissions for full load only tasks)', () => {
  const s = readSqlcmdScript(read('login-full-load-only.sql'), BASE);

  test('source database: db_datareader, VIEW DATABASE STATE, VIEW DEFINITION', () => {
    expect(s.in('Billing')).toMatch(stmt(`ALTER ROLE db_datareader ADD MEMBER [${LOGIN}]`));
    expect(s.in('Billing')).toMatch(grant('VIEW DATABASE STATE'));
    expect(s.in('Billing')).toMatch(grant('VIEW DEFINITION'));
  });

  test('server: VIEW SERVER STATE (granted in master)', () => {
    expect(s.in('master')).toMatch(grant('VIEW SERVER STATE'));
  });

  test('stops at the first error and never asks for more than reading', () => {
    expect(s.commands).toContain(':on error exit');
    expect(s.all).not.toMatch(/db_owner|sysadmin/i);
  });
});
