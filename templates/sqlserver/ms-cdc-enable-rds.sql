/*
  mode 'ms-cdc' on Amazon RDS for SQL Server (no sysadmin on RDS; the rds_* procedures stand in for it).
  Run as the RDS master user:
    sqlcmd -S <endpoint>,1433 -U <master> -d master -v DatabaseName="Billing" SchemaName="dbo" -i ms-cdc-enable-rds.sql
  RDS keeps the database in FULL recovery while automated backups are on (retention >= 1 day): keep them on.
*/
SET NOCOUNT ON;

PRINT 'Enabling MS-CDC on database $(DatabaseName) (RDS procedure)';
EXEC msdb.dbo.rds_cdc_enable_db N'$(DatabaseName)';
GO

USE [$(DatabaseName)];
DECLARE @schema sysname, @table sysname, @pk sysname, @uq sysname;
DECLARE tables CURSOR LOCAL FAST_FORWARD FOR
  SELECT s.name, t.name,
         (SELECT TOP (1) i.name FROM sys.indexes i WHERE i.object_id = t.object_id AND i.is_primary_key = 1),
         (SELECT TOP (1) i.name FROM sys.indexes i WHERE i.object_id = t.object_id AND i.is_unique = 1 AND i.is_primary_key = 0 AND i.has_filter = 0)
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
  FETCH NEXT FROM tables INTO @schema, @table, @pk, @uq;
END;
CLOSE tables;
DEALLOCATE tables;

-- DMS reads changes from the log itself on RDS. A capture job that polls once a day (the longest interval)
-- keeps changes in the log until DMS has read them, as the DMS guide for RDS sources recommends.
EXEC sys.sp_cdc_change_job @job_type = N'capture', @pollinginterval = 86399;
EXEC sys.sp_cdc_stop_job @job_type = N'capture';
EXEC sys.sp_cdc_start_job @job_type = N'capture';

EXEC sys.sp_cdc_help_change_data_capture;
