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

/** In master, for a non-sysadmin login on a self-managed server (DMS guide, standalone without sysadmin, step 15). */
const NON_SYSADMIN_MASTER_GRANTS = [
  'SELECT ON sys.fn_dblog',
  'VIEW ANY DEFINITION',
  'VIEW SERVER STATE',
  'EXECUTE ON sys.sp_repldone',
  'EXECUTE ON sys.sp_replincrementlsn',
  'EXECUTE ON sys.sp_addpublication',
  'EXECUTE ON sys.sp_addarticle',
  'EXECUTE ON sys.sp_articlefilter',
  'SELECT ON awsdms.split_partition_list',
  'EXECUTE ON awsdms.rtm_dump_dblog',
  'EXECUTE ON awsdms.rtm_position_1st_timestamp',
];
const BACKUP_HISTORY = ['SELECT ON msdb.dbo.backupset', 'SELECT ON msdb.dbo.backupmediafamily', 'SELECT ON msdb.dbo.backupfile'];
const RDS_TLOG_PROCEDURES = ['rds_dms_tlog_download', 'rds_dms_tlog_read', 'rds_dms_tlog_list_current_lsn', 'rds_task_status'];
const MISSING_WRAPPER = /IF OBJECT_ID\(N'awsdms\.split_partition_list', N'TF'\) IS NULL OR OBJECT_ID\(N'awsdms\.rtm_dump_dblog', N'P'\) IS NULL OR OBJECT_ID\(N'awsdms\.rtm_position_1st_timestamp', N'P'\) IS NULL BEGIN RAISERROR/;

describe('login-ms-cdc.sql (DMS guide: Permissions for tasks with ongoing replication)', () => {
  const script = (Hosting: string) => readSqlcmdScript(read('login-ms-cdc.sql'), { ...BASE, Hosting });

  test('self-managed: the non-sysadmin set-up in master, msdb backup history, db_owner + VIEW DEFINITION', () => {
    const s = script('self-managed');
    for (const g of NON_SYSADMIN_MASTER_GRANTS) expect(s.in('master')).toMatch(grant(g));
    expect(s.in('master')).toMatch(MISSING_WRAPPER);
    for (const g of BACKUP_HISTORY) expect(s.in('msdb')).toMatch(grant(g));
    expect(s.in('msdb')).not.toMatch(/rds_/);
    expect(s.in('Billing')).toMatch(stmt(`ALTER ROLE db_owner ADD MEMBER [${LOGIN}]`));
    expect(s.in('Billing')).toMatch(grant('VIEW DEFINITION'));
    expect(s.all).not.toMatch(/sysadmin ADD MEMBER/i);
  });

  test('rds: EXEC on the rds_dms_tlog_* procedures and rds_task_status in msdb (DMS 3.5.3+ log backups), no awsdms objects', () => {
    const s = script('rds');
    for (const p of RDS_TLOG_PROCEDURES) expect(s.in('msdb')).toMatch(grant(`EXEC ON msdb.dbo.${p}`));
    expect(s.in('msdb')).not.toMatch(/backupset/);
    expect(s.in('master')).toMatch(grant('VIEW SERVER STATE'));
    expect(s.all).not.toMatch(/awsdms|fn_dblog/);
    expect(s.in('Billing')).toMatch(stmt(`ALTER ROLE db_owner ADD MEMBER [${LOGIN}]`));
    expect(s.in('Billing')).toMatch(grant('VIEW DEFINITION'));
  });

  test('azure-sql-managed-instance: backup history, no rds_* procedures', () => {
    const s = script('azure-sql-managed-instance');
    for (const g of BACKUP_HISTORY) expect(s.in('msdb')).toMatch(grant(g));
    expect(s.all).not.toMatch(/rds_|awsdms/);
  });

  test('fails when Hosting is not one of the three', () => {
    expect(script('onprem').all).toMatch(/RAISERROR \(N'Hosting must be self-managed, rds or azure-sql-managed-instance\.', 16, 1\); RETURN;/);
    expect(script('onprem').commands).toContain(':on error exit');
  });
});

describe('login-ms-replication.sql', () => {
  const script = (UseSysadmin: string) => readSqlcmdScript(read('login-ms-replication.sql'), { ...BASE, UseSysadmin });

  test('option B (no sysadmin): the documented non-sysadmin set-up, after the wrapper objects exist', () => {
    const s = script('0');
    for (const g of NON_SYSADMIN_MASTER_GRANTS) expect(s.in('master')).toMatch(grant(g));
    expect(s.in('master')).toMatch(MISSING_WRAPPER);
    for (const g of BACKUP_HISTORY) expect(s.in('msdb')).toMatch(grant(g));
    expect(s.in('Billing')).toMatch(stmt(`ALTER ROLE db_owner ADD MEMBER [${LOGIN}]`));
    expect(s.all).not.toMatch(/sysadmin ADD MEMBER/i);
  });

  test('option A (sysadmin): sysadmin and nothing else', () => {
    const s = script('1');
    expect(s.in('master')).toMatch(stmt(`ALTER SERVER ROLE sysadmin ADD MEMBER [${LOGIN}]`));
    expect(s.all).not.toMatch(/GRANT/);
  });
});

describe('non-sysadmin-wrapper.sql (DMS guide: standalone SQL Server without sysadmin, steps 3-13)', () => {
  const s = readSqlcmdScript(read('non-sysadmin-wrapper.sql'), {});
  const master = s.in('master');

  test('everything is made in master, and the script stops at the first error', () => {
    expect(s.chunks.every((c) => c.database === 'master')).toBe(true);
    expect(s.commands).toContain(':on error exit');
  });

  test('schema awsdms, split_partition_list, and both procedures with the documented parameters', () => {
    expect(master).toMatch(/CREATE SCHEMA awsdms/);
    expect(master).toMatch(/ALTER FUNCTION awsdms\.split_partition_list \( @plist varchar\(8000\), @dlm nvarchar\(1\) \) RETURNS @partitionsTable TABLE \(pid bigint PRIMARY KEY\)/);
    expect(master).toMatch(
      /ALTER PROCEDURE awsdms\.rtm_dump_dblog \( @start_lsn varchar\(32\), @seqno integer, @filename varchar\(260\), @partition_list varchar\(8000\), @programmed_filtering integer, @minPartition bigint, @maxPartition bigint \)/,
    );
    expect(master).toMatch(/ALTER PROCEDURE awsdms\.rtm_position_1st_timestamp \( @dbname sysname, @seqno integer, @filename varchar\(260\), @1stTimeStamp varchar\(40\) \)/);
    // sys.fn_dump_dblog takes 68 arguments: 5 given, 63 defaults.
    for (const call of master.match(/fn_dump_dblog\([^)]*\)/g)!) expect(call.split(',')).toHaveLength(68);
  });

  test('each procedure is signed by its certificate, whose login is in sysadmin', () => {
    expect(master).toMatch(/\(N'awsdms\.rtm_dump_dblog', N'awsdms_rtm_dump_dblog_cert', N'awsdms_rtm_dump_dblog_login'/);
    expect(master).toMatch(/\(N'awsdms\.rtm_position_1st_timestamp', N'awsdms_rtm_position_1st_timestamp_cert', N'awsdms_rtm_position_1st_timestamp_login'/);
    for (const part of [
      "N'CREATE CERTIFICATE ' + QUOTENAME(@cert) + N' ENCRYPTION BY PASSWORD = '",
      "CREATE LOGIN ' + QUOTENAME(@login_name) + N' FROM CERTIFICATE ' + QUOTENAME(@cert)",
      "ALTER SERVER ROLE [sysadmin] ADD MEMBER ' + QUOTENAME(@login_name)",
      "ADD SIGNATURE TO ' + @proc_name + N' BY CERTIFICATE ' + QUOTENAME(@cert) + N' WITH PASSWORD = '",
      "ALTER CERTIFICATE ' + QUOTENAME(@cert) + N' REMOVE PRIVATE KEY;'",
    ]) {
      expect(master).toContain(part);
    }
    // Signing happens after the procedures are (re)defined: altering a procedure drops its signature.
    expect(master.indexOf('ADD SIGNATURE')).toBeGreaterThan(master.lastIndexOf('ALTER PROCEDURE'));
  });
});

describe('90-after-cutover.sql', () => {
  const script = (Mode: string) => readSqlcmdScript(read('90-after-cutover.sql'), { DatabaseName: 'Billing', DmsLogin: LOGIN, Mode });

  test('removes the wrapper objects and their sysadmin certificate logins for the self-managed continuous modes', () => {
    const master = script('ms-cdc').in('master');
    expect(master).toMatch(/IF N'ms-cdc' IN \(N'ms-cdc', N'ms-replication'\) AND SCHEMA_ID\(N'awsdms'\) IS NOT NULL/);
    for (const drop of [
      'DROP PROCEDURE awsdms.rtm_dump_dblog',
      'DROP PROCEDURE awsdms.rtm_position_1st_timestamp',
      'DROP FUNCTION awsdms.split_partition_list',
      'DROP LOGIN awsdms_rtm_dump_dblog_login',
      'DROP LOGIN awsdms_rtm_position_1st_timestamp_login',
      'DROP CERTIFICATE awsdms_rtm_dump_dblog_cert',
      'DROP CERTIFICATE awsdms_rtm_position_1st_timestamp_cert',
      'DROP SCHEMA awsdms',
    ]) {
      expect(master).toContain(drop);
    }
    // Procedures before certificates: a signature pins its certificate.
    expect(master.indexOf('DROP CERTIFICATE')).toBeGreaterThan(master.lastIndexOf('DROP PROCEDURE'));
    expect(master).toMatch(stmt(`DROP USER [${LOGIN}]`));
  });
});

describe('MS-CDC enable scripts', () => {
  test.each(['ms-cdc-enable.sql', 'ms-cdc-enable-rds.sql'])('%s picks a unique index for net changes only when its key columns are NOT NULL (error 22838)', (file) => {
    const s = readSqlcmdScript(read(file), { DatabaseName: 'Billing', SchemaName: 'dbo' });
    const billing = s.in('Billing');
    expect(billing).toContain(
      'AND NOT EXISTS (SELECT 1 FROM sys.index_columns ic JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id WHERE ic.object_id = i.object_id AND ic.index_id = i.index_id AND ic.is_included_column = 0 AND c.is_nullable = 1)',
    );
    expect(billing).toMatch(/@index_name = @uq, @supports_net_changes = 1/);
    expect(s.commands).toContain(':on error exit');
  });

  test('RDS: the capture job keeps the default 5-second polling interval (DMS 3.5.3+), also on the Multi-AZ secondary', () => {
    const billing = readSqlcmdScript(read('ms-cdc-enable-rds.sql'), { DatabaseName: 'Billing', SchemaName: 'dbo' }).in('Billing');
    expect(billing).toContain("EXEC sys.sp_cdc_change_job @job_type = N'capture', @pollinginterval = 5;");
    expect(billing).toContain("EXEC rdsadmin..rds_set_configuration 'cdc_capture_pollinginterval', 5;");
    expect(billing).not.toMatch(/86399/);
    // The new interval takes effect when the capture job restarts, after the change.
    expect(billing.indexOf('sp_cdc_start_job')).toBeGreaterThan(billing.indexOf('@pollinginterval = 5'));
  });
});

describe('00-preflight-checks.sql', () => {
  const s = readSqlcmdScript(read('00-preflight-checks.sql'), { DatabaseName: 'Billing' }).all;

  test('flags tables with neither a primary key nor a unique index (no DMS validation, no LOB migration), in the source database', () => {
    expect(s).toContain("CASE WHEN uq.index_id IS NULL THEN 1 ELSE 0 END AS no_key_at_all");
    expect(s).toMatch(/OUTER APPLY \(SELECT TOP \(1\) i\.index_id FROM sys\.indexes i WHERE i\.object_id = t\.object_id AND i\.is_unique = 1/);
    expect(s).toMatch(/DMS cannot validate such a table/);
    expect(s).toMatch(/does not migrate its LOB columns/);
    // OBJECTPROPERTY resolves ids in the current database: the query must run in the source database.
    expect(s).toMatch(/N'USE \[Billing\]; SELECT s\.name AS schema_name, t\.name AS table_name/);
  });

  test('sizes every LOB column (largest value in KiB) for the LOB mode decision', () => {
    expect(s).toContain("CEILING(MAX(DATALENGTH(' + QUOTENAME(@lob_column) + N')) / 1024.0)");
    expect(s).toMatch(/c\.max_length = -1 OR ty\.name IN \(N''text'', N''ntext'', N''image'', N''xml''\)/);
    expect(s).toContain('SELECT MAX(largest_kib) AS largest_lob_kib_in_database FROM #lob_sizes;');
  });
});
