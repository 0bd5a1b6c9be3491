/*
  Preflight checks for a DMS migration from SQL Server (read-only; safe to run on production).
  Run as a DBA with sqlcmd:  sqlcmd -S <server> -d master -v DatabaseName="Billing" -i 00-preflight-checks.sql
  The answers are the facts pickSqlServerMode() needs (modules/dms-migration/sqlserver-mode.ts):
    edition, version/service pack, hosting, tables without primary keys, recovery model, sysadmin, distributor;
  and what the task settings need: tables DMS can neither validate nor migrate LOBs of (4), LOB sizes (8).
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
PRINT '   no_key_at_all = 1: neither a primary key nor a unique index. DMS cannot validate such a table (data';
PRINT '   validation needs a primary key or unique index) and does not migrate its LOB columns (a table must have a';
PRINT '   primary key or unique key for DMS to migrate LOBs): add a key on the source, or exclude the table and copy';
PRINT '   it another way. DMS guide: CHAP_Validating.html#CHAP_Validating.Limitations and';
PRINT '   CHAP_Tasks.AssessmentReport.Assessments.All.html (table-with-lob-but-without-primary-key-or-unique-constraint).';
-- In the source database (OBJECTPROPERTY reads the current database's objects).
DECLARE @sql nvarchar(max) = N'USE [$(DatabaseName)];
SELECT s.name AS schema_name, t.name AS table_name,
       CASE WHEN uq.index_id IS NOT NULL THEN ''unique index'' ELSE ''none'' END AS best_key,
       CASE WHEN uq.index_id IS NULL THEN 1 ELSE 0 END AS no_key_at_all,
       (SELECT COUNT(*) FROM sys.columns c
        JOIN sys.types ty ON ty.user_type_id = c.user_type_id
        WHERE c.object_id = t.object_id AND (c.max_length = -1 OR ty.name IN (N''text'', N''ntext'', N''image'', N''xml''))) AS lob_columns
FROM sys.tables t
JOIN sys.schemas s ON s.schema_id = t.schema_id
OUTER APPLY (SELECT TOP (1) i.index_id FROM sys.indexes i
             WHERE i.object_id = t.object_id AND i.is_unique = 1 AND i.has_filter = 0 AND i.is_disabled = 0 AND i.is_hypothetical = 0) uq
WHERE OBJECTPROPERTY(t.object_id, ''TableHasPrimaryKey'') = 0 AND t.is_ms_shipped = 0
ORDER BY no_key_at_all DESC, s.name, t.name;';
EXEC sys.sp_executesql @sql;

PRINT '5. Is the distributor configured? (MS-Replication without sysadmin needs it; distribution NULL = not configured)';
EXEC sp_get_distributor;

PRINT '6. SQL Server Agent must run for MS-CDC capture jobs and the replication Log Reader Agent';
SELECT servicename, status_desc FROM sys.dm_server_services WHERE servicename LIKE N'SQL Server Agent%';

PRINT '7. Is the current login sysadmin? (MS-Replication set up by DMS itself needs it)';
SELECT IS_SRVROLEMEMBER('sysadmin') AS current_login_is_sysadmin;

PRINT '8. LOB sizes: the largest value of every LOB column (varchar/nvarchar/varbinary(max), text, ntext, image, xml).';
PRINT '   Limited LOB mode truncates larger values with only a warning in the task log (DMS guide, CHAP_Tasks.LOBSupport.html):';
PRINT '   keep the module default (full LOB mode), or set lob: { mode: ''limited'', maxSizeKiB } above largest_kib.';
PRINT '   Reads every LOB column in full: run it off-peak or on a readable secondary.';
CREATE TABLE #lob_sizes (schema_name sysname, table_name sysname, column_name sysname, type_name sysname, largest_kib bigint NULL, rows_over_32_kib bigint NULL);
DECLARE @lob_schema sysname, @lob_table sysname, @lob_column sysname, @lob_type sysname, @lob_sql nvarchar(max);
DECLARE @lob_columns TABLE (schema_name sysname, table_name sysname, column_name sysname, type_name sysname);
SET @sql = N'USE [$(DatabaseName)];
SELECT s.name, t.name, c.name, ty.name
FROM sys.columns c
JOIN sys.tables t ON t.object_id = c.object_id
JOIN sys.schemas s ON s.schema_id = t.schema_id
JOIN sys.types ty ON ty.user_type_id = c.user_type_id
WHERE t.is_ms_shipped = 0 AND (c.max_length = -1 OR ty.name IN (N''text'', N''ntext'', N''image'', N''xml''));';
INSERT INTO @lob_columns EXEC sys.sp_executesql @sql;
DECLARE lob_columns CURSOR LOCAL FAST_FORWARD FOR SELECT schema_name, table_name, column_name, type_name FROM @lob_columns;
OPEN lob_columns;
FETCH NEXT FROM lob_columns INTO @lob_schema, @lob_table, @lob_column, @lob_type;
WHILE @@FETCH_STATUS = 0
BEGIN
  SET @lob_sql = N'SELECT @s, @t, @c, @ty, CEILING(MAX(DATALENGTH(' + QUOTENAME(@lob_column) + N')) / 1024.0),
         SUM(CASE WHEN DATALENGTH(' + QUOTENAME(@lob_column) + N') > 32768 THEN 1 ELSE 0 END)
  FROM ' + QUOTENAME(N'$(DatabaseName)') + N'.' + QUOTENAME(@lob_schema) + N'.' + QUOTENAME(@lob_table) + N';';
  INSERT INTO #lob_sizes EXEC sys.sp_executesql @lob_sql, N'@s sysname, @t sysname, @c sysname, @ty sysname', @s = @lob_schema, @t = @lob_table, @c = @lob_column, @ty = @lob_type;
  FETCH NEXT FROM lob_columns INTO @lob_schema, @lob_table, @lob_column, @lob_type;
END;
CLOSE lob_columns;
DEALLOCATE lob_columns;
SELECT schema_name, table_name, column_name, type_name, largest_kib, rows_over_32_kib FROM #lob_sizes ORDER BY largest_kib DESC;
SELECT MAX(largest_kib) AS largest_lob_kib_in_database FROM #lob_sizes;
DROP TABLE #lob_sizes;
