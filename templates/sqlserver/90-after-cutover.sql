/*
  After cut-over (the last runbook step): removes what the migration added to the source, so the transaction log
  no longer waits for a reader that is gone (an abandoned publication or CDC capture keeps log space forever).
  Run as a DBA (RDS: the master user) once the DMS task is stopped and deleted:
    sqlcmd -S <server> -d master -v DatabaseName="Billing" Mode="ms-cdc" DmsLogin="dms_cdc" -i 90-after-cutover.sql
  Mode: ms-cdc | ms-cdc-rds | ms-replication | full-load-only
*/
SET NOCOUNT ON;
USE [$(DatabaseName)];

IF N'$(Mode)' = N'ms-cdc' AND (SELECT is_cdc_enabled FROM sys.databases WHERE name = DB_NAME()) = 1
BEGIN
  PRINT 'Disabling MS-CDC (capture and cleanup jobs, change tables)';
  EXEC sys.sp_cdc_disable_db;
END;

IF N'$(Mode)' = N'ms-cdc-rds' AND (SELECT is_cdc_enabled FROM sys.databases WHERE name = DB_NAME()) = 1
BEGIN
  PRINT 'Disabling MS-CDC (RDS procedure)';
  EXEC msdb.dbo.rds_cdc_disable_db N'$(DatabaseName)';
END;

IF N'$(Mode)' = N'ms-replication' AND OBJECT_ID(N'dbo.syspublications') IS NOT NULL
BEGIN
  -- DMS names its publications AR_PUBLICATION_<n>; other publications of the database are left alone.
  DECLARE @publication sysname;
  DECLARE pubs CURSOR LOCAL FAST_FORWARD FOR SELECT name FROM dbo.syspublications WHERE name LIKE N'AR[_]PUBLICATION[_]%';
  OPEN pubs;
  FETCH NEXT FROM pubs INTO @publication;
  WHILE @@FETCH_STATUS = 0
  BEGIN
    PRINT CONCAT('Dropping DMS publication ', @publication);
    EXEC sp_droppublication @publication = @publication;
    FETCH NEXT FROM pubs INTO @publication;
  END;
  CLOSE pubs;
  DEALLOCATE pubs;
  IF NOT EXISTS (SELECT 1 FROM dbo.syspublications)
    EXEC sp_replicationdboption @dbname = N'$(DatabaseName)', @optname = N'publish', @value = N'false';
END;
GO

USE [$(DatabaseName)];
IF USER_ID(N'$(DmsLogin)') IS NOT NULL
BEGIN
  PRINT 'Dropping the DMS user and login';
  DROP USER [$(DmsLogin)];
END;
GO
USE msdb;
IF USER_ID(N'$(DmsLogin)') IS NOT NULL DROP USER [$(DmsLogin)];
GO
USE master;
IF SUSER_ID(N'$(DmsLogin)') IS NOT NULL DROP LOGIN [$(DmsLogin)];
GO
