/*
  mode 'ms-cdc' on a self-managed SQL Server (on premises or EC2): enables MS-CDC on the database and on every
  table of a schema. Tables with a primary key get net changes; tables with only a unique index use it;
  tables with no key are captured as well (this is why the playbook picks MS-CDC when keys are missing).
  Run as sysadmin (sys.sp_cdc_enable_db needs it), after 10-recovery-model-and-backup.sql:
    sqlcmd -S <server> -d master -v DatabaseName="Billing" SchemaName="dbo" -i ms-cdc-enable.sql
  Alternative: a sysadmin DMS login with options.setUpMsCdcForTables = true lets DMS do this itself (DMS 3.4.7+).
  SQL Server Agent must be running: the capture and cleanup jobs are Agent jobs.
*/
:on error exit
SET NOCOUNT ON;
USE [$(DatabaseName)];

IF (SELECT is_cdc_enabled FROM sys.databases WHERE name = DB_NAME()) = 0
BEGIN
  PRINT 'Enabling MS-CDC on database $(DatabaseName)';
  EXEC sys.sp_cdc_enable_db;
END;

DECLARE @schema sysname, @table sysname, @pk sysname, @uq sysname;
DECLARE tables CURSOR LOCAL FAST_FORWARD FOR
  SELECT s.name, t.name,
         (SELECT TOP (1) i.name FROM sys.indexes i WHERE i.object_id = t.object_id AND i.is_primary_key = 1),
         -- A unique index can identify rows for net changes only if every key column is NOT NULL: otherwise
         -- sys.sp_cdc_enable_table fails with error 22838 (DMS guide, SQL Server source limitations:
         -- https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.SQLServer.html#CHAP_Source.SQLServer.Limitations).
         -- Such tables are captured without net changes, like tables with no key.
         (SELECT TOP (1) i.name FROM sys.indexes i
          WHERE i.object_id = t.object_id AND i.is_unique = 1 AND i.is_primary_key = 0 AND i.has_filter = 0
            AND i.is_disabled = 0 AND i.is_hypothetical = 0 AND i.type IN (1, 2)
            AND NOT EXISTS (SELECT 1 FROM sys.index_columns ic
                            JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
                            WHERE ic.object_id = i.object_id AND ic.index_id = i.index_id
                              AND ic.is_included_column = 0 AND c.is_nullable = 1)
          ORDER BY i.index_id)
  FROM sys.tables t
  JOIN sys.schemas s ON s.schema_id = t.schema_id
  WHERE s.name = N'$(SchemaName)' AND t.is_ms_shipped = 0 AND t.is_tracked_by_cdc = 0;
OPEN tables;
FETCH NEXT FROM tables INTO @schema, @table, @pk, @uq;
WHILE @@FETCH_STATUS = 0
BEGIN
  IF @pk IS NOT NULL
    EXEC sys.sp_cdc_enable_table @source_schema = @schema, @source_name = @table, @role_name = NULL, @supports_net_changes = 1;
  ELSE IF @uq IS NOT NULL
    EXEC sys.sp_cdc_enable_table @source_schema = @schema, @source_name = @table, @role_name = NULL, @index_name = @uq, @supports_net_changes = 1;
  ELSE
    EXEC sys.sp_cdc_enable_table @source_schema = @schema, @source_name = @table, @role_name = NULL;
  PRINT CONCAT('MS-CDC enabled on ', @schema, '.', @table, CASE WHEN @pk IS NULL AND @uq IS NULL THEN ' (no key: all changes, no net changes)' ELSE '' END);
  FETCH NEXT FROM tables INTO @schema, @table, @pk, @uq;
END;
CLOSE tables;
DEALLOCATE tables;

-- Keep change rows for 3 days (minutes), so a DMS task stopped over a weekend can resume without a reload.
EXEC sys.sp_cdc_change_job @job_type = N'cleanup', @retention = 4320;

EXEC sys.sp_cdc_help_change_data_capture;
