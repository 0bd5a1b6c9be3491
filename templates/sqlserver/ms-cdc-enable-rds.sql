/*
  mode 'ms-cdc' on Amazon RDS for SQL Server (no sysadmin on RDS; the rds_* procedures stand in for it).
  Run as the RDS master user:
    sqlcmd -S <endpoint>,1433 -U <master> -d master -v DatabaseName="Billing" SchemaName="dbo" -i ms-cdc-enable-rds.sql
  RDS keeps the database in FULL recovery while automated backups are on (retention >= 1 day): keep them on; DMS
  3.5.3+ reads the log backups RDS keeps (the DMS login needs EXEC on the rds_dms_tlog_* procedures:
  login-ms-cdc.sql, Hosting="rds"). Follows the DMS guide, "Setting up ongoing replication on a cloud SQL Server DB
  instance" (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.SQLServer.CDC.html#CHAP_Source.SQLServer.Configuration).
*/
:on error exit
SET NOCOUNT ON;

PRINT 'Enabling MS-CDC on database $(DatabaseName) (RDS procedure)';
EXEC msdb.dbo.rds_cdc_enable_db N'$(DatabaseName)';
GO

USE [$(DatabaseName)];
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
  FETCH NEXT FROM tables INTO @schema, @table, @pk, @uq;
END;
CLOSE tables;
DEALLOCATE tables;

-- Capture job polling interval: the default 5 seconds. DMS 3.5.3 and later (the module's engines) read RDS log
-- backups when the active log has moved on, and the DMS guide requires the default for them; the 86399 seconds it
-- recommends for DMS 3.5.2 and below kept changes in the active log instead ("Setting up ongoing replication on a
-- cloud SQL Server DB instance", step 3:
-- https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.SQLServer.CDC.html#CHAP_Source.SQLServer.Configuration).
-- Moving tasks from a 3.5.2 instance: change the interval once the tasks run on the 3.5.3+ instance.
EXEC sys.sp_cdc_change_job @job_type = N'capture', @pollinginterval = 5;
EXEC sys.sp_cdc_stop_job @job_type = N'capture';
EXEC sys.sp_cdc_start_job @job_type = N'capture';
-- Multi-AZ: the same value for the secondary, so a failover keeps it (same guide step). Harmless on Single-AZ.
EXEC rdsadmin..rds_set_configuration 'cdc_capture_pollinginterval', 5;

EXEC sys.sp_cdc_help_change_data_capture;
