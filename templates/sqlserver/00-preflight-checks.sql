/*
  Preflight checks for a DMS migration from SQL Server (read-only; safe to run on production).
  Run as a DBA with sqlcmd:  sqlcmd -S <server> -d master -v DatabaseName="Billing" -i 00-preflight-checks.sql
  The answers are the facts pickSqlServerMode() needs (modules/dms-migration/sqlserver-mode.ts):
    edition, version/service pack, hosting, tables without primary keys, recovery model, sysadmin, distributor.
*/
SET NOCOUNT ON;

PRINT '1. Edition and version (CDC: Enterprise, Developer, Standard 2016 SP1+; never Express)';
SELECT SERVERPROPERTY('Edition')        AS edition,
       SERVERPROPERTY('ProductVersion') AS product_version,   -- 13.x = 2016, 14.x = 2017, 15.x = 2019, 16.x = 2022
       SERVERPROPERTY('ProductLevel')   AS product_level,     -- RTM, SP1, SP2...
       SERVERPROPERTY('EngineEdition')  AS engine_edition;    -- 4 = Express, 5 = Azure SQL Database, 8 = Azure SQL Managed Instance

PRINT '2. Recovery model (continuous modes need FULL or BULK_LOGGED) and change capture flags';
SELECT name, recovery_model_desc, is_cdc_enabled, is_published, is_merge_published, log_reuse_wait_desc
FROM sys.databases
WHERE name = N'$(DatabaseName)';

PRINT '3. Last full backup (the log chain DMS reads starts at a full backup)';
SELECT TOP (1) database_name, backup_finish_date, type
FROM msdb.dbo.backupset
WHERE database_name = N'$(DatabaseName)' AND type = 'D'
ORDER BY backup_finish_date DESC;

PRINT '4. Tables without a primary key (these need MS-CDC; MS-Replication skips them)';
DECLARE @sql nvarchar(max) = N'
SELECT s.name AS schema_name, t.name AS table_name,
       CASE WHEN OBJECTPROPERTY(t.object_id, ''TableHasUniqueCnst'') = 1 THEN ''unique key'' ELSE ''none'' END AS best_key
FROM [$(DatabaseName)].sys.tables t
JOIN [$(DatabaseName)].sys.schemas s ON s.schema_id = t.schema_id
WHERE OBJECTPROPERTY(t.object_id, ''TableHasPrimaryKey'') = 0 AND t.is_ms_shipped = 0
ORDER BY s.name, t.name;';
EXEC sys.sp_executesql @sql;

PRINT '5. Is the distributor configured? (MS-Replication without sysadmin needs it; distribution NULL = not configured)';
EXEC sp_get_distributor;

PRINT '6. SQL Server Agent must run for MS-CDC capture jobs and the replication Log Reader Agent';
SELECT servicename, status_desc FROM sys.dm_server_services WHERE servicename LIKE N'SQL Server Agent%';

PRINT '7. Is the current login sysadmin? (MS-Replication set up by DMS itself needs it)';
SELECT IS_SRVROLEMEMBER('sysadmin') AS current_login_is_sysadmin;
