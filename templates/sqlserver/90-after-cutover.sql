/*
  After cut-over (the last runbook step): removes what the migration added to the source, so the transaction log
  no longer waits for a reader that is gone (an abandoned publication or CDC capture keeps log space forever).
  Run as a DBA (RDS: the master user) once the DMS task is stopped and deleted:
    sqlcmd -S <server> -d master -v DatabaseName="Billing" Mode="ms-cdc" DmsLogin="dms_cdc" -i 90-after-cutover.sql
  Mode: ms-cdc | ms-cdc-rds | ms-replication | full-load-only
  ms-cdc and ms-replication also remove what non-sysadmin-wrapper.sql made in master.
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
-- The non-sysadmin log reader (non-sysadmin-wrapper.sql): its certificate logins are members of sysadmin, so they
-- must not outlive the migration. Procedures first (a signature pins its certificate), then logins, certificates.
IF N'$(Mode)' IN (N'ms-cdc', N'ms-replication') AND SCHEMA_ID(N'awsdms') IS NOT NULL
BEGIN
  PRINT 'Dropping the awsdms log-reader objects, their certificates and certificate logins';
  IF OBJECT_ID(N'awsdms.rtm_dump_dblog', N'P') IS NOT NULL DROP PROCEDURE awsdms.rtm_dump_dblog;
  IF OBJECT_ID(N'awsdms.rtm_position_1st_timestamp', N'P') IS NOT NULL DROP PROCEDURE awsdms.rtm_position_1st_timestamp;
  IF OBJECT_ID(N'awsdms.split_partition_list', N'TF') IS NOT NULL DROP FUNCTION awsdms.split_partition_list;
  IF SUSER_ID(N'awsdms_rtm_dump_dblog_login') IS NOT NULL DROP LOGIN awsdms_rtm_dump_dblog_login;
  IF SUSER_ID(N'awsdms_rtm_position_1st_timestamp_login') IS NOT NULL DROP LOGIN awsdms_rtm_position_1st_timestamp_login;
  IF CERT_ID(N'awsdms_rtm_dump_dblog_cert') IS NOT NULL DROP CERTIFICATE awsdms_rtm_dump_dblog_cert;
  IF CERT_ID(N'awsdms_rtm_position_1st_timestamp_cert') IS NOT NULL DROP CERTIFICATE awsdms_rtm_position_1st_timestamp_cert;
  IF NOT EXISTS (SELECT 1 FROM sys.objects WHERE schema_id = SCHEMA_ID(N'awsdms')) DROP SCHEMA awsdms;
END;
IF USER_ID(N'$(DmsLogin)') IS NOT NULL DROP USER [$(DmsLogin)];
IF SUSER_ID(N'$(DmsLogin)') IS NOT NULL DROP LOGIN [$(DmsLogin)];
GO
