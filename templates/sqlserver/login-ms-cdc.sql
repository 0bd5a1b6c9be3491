/*
  DMS login for mode 'ms-cdc' WITHOUT sysadmin, after ms-cdc-enable.sql (self-managed) or ms-cdc-enable-rds.sql (RDS,
  run this as the master user). Hosting chooses the permission set of the DMS User Guide, "Using a Microsoft SQL
  Server database as a source for AWS DMS" > "Permissions for tasks with ongoing replication"
  (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.SQLServer.html#CHAP_Source.SQLServer.Permissions.Ongoing):
    Hosting="self-managed" (on premises, EC2):
      - VIEW SERVER STATE; SELECT on msdb backupset, backupmediafamily, backupfile; db_owner and VIEW DEFINITION in
        the source database;
      - and, since the login is not sysadmin, the set-up of "Setting up ongoing replication on a standalone SQL
        Server: Without sysadmin role", step 15
        (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.SQLServer.CDC.html#CHAP_SupportScripts.SQLServer.standalone):
        in master SELECT on sys.fn_dblog, VIEW ANY DEFINITION, EXECUTE on sp_repldone, sp_replincrementlsn,
        sp_addpublication, sp_addarticle, sp_articlefilter, SELECT on awsdms.split_partition_list, EXECUTE on
        awsdms.rtm_dump_dblog and awsdms.rtm_position_1st_timestamp. Run non-sysadmin-wrapper.sql (as sysadmin)
        first: this script stops when those objects are missing. Step 16, the endpoint attribute
        enableNonSysadminWrapper=true, is set by the module (SqlServerSourceEndpoint, options.nonSysadminWrapper).
    Hosting="rds" ("Set up permissions for ongoing replication from a cloud SQL Server database"):
      - VIEW SERVER STATE; db_owner and VIEW DEFINITION in the source database;
      - EXEC on msdb.dbo.rds_dms_tlog_download, rds_dms_tlog_read, rds_dms_tlog_list_current_lsn and rds_task_status:
        DMS 3.5.3 and later read RDS log backups through them when the active log has moved on.
    Hosting="azure-sql-managed-instance": as rds, with SELECT on the msdb backup history instead of the rds_* procedures.
  Also VIEW DATABASE STATE in master, kept from earlier versions of this runbook (premigration assessment).
  The login is never asked to create a publication: the module sets ignoreMsReplicationEnablement=true for ms-cdc.
    sqlcmd -S <server> -d master -v DatabaseName="Billing" DmsLogin="dms_cdc" DmsPassword="<typed>" Hosting="self-managed" -i login-ms-cdc.sql
*/
:on error exit
SET NOCOUNT ON;
IF N'$(Hosting)' NOT IN (N'self-managed', N'rds', N'azure-sql-managed-instance')
BEGIN
  RAISERROR (N'Hosting must be self-managed, rds or azure-sql-managed-instance.', 16, 1);
  RETURN;
END;
GO
USE master;
IF SUSER_ID(N'$(DmsLogin)') IS NULL
  CREATE LOGIN [$(DmsLogin)] WITH PASSWORD = N'$(DmsPassword)', CHECK_POLICY = ON, DEFAULT_DATABASE = [$(DatabaseName)];
GRANT VIEW SERVER STATE TO [$(DmsLogin)];
IF USER_ID(N'$(DmsLogin)') IS NULL
  CREATE USER [$(DmsLogin)] FOR LOGIN [$(DmsLogin)];
GRANT VIEW DATABASE STATE TO [$(DmsLogin)];
GO
USE master;
IF N'$(Hosting)' = N'self-managed'
BEGIN
  IF OBJECT_ID(N'awsdms.split_partition_list', N'TF') IS NULL
     OR OBJECT_ID(N'awsdms.rtm_dump_dblog', N'P') IS NULL
     OR OBJECT_ID(N'awsdms.rtm_position_1st_timestamp', N'P') IS NULL
  BEGIN
    RAISERROR (N'The awsdms objects are missing in master: run non-sysadmin-wrapper.sql as sysadmin first.', 16, 1);
    RETURN;
  END;
  GRANT SELECT ON sys.fn_dblog TO [$(DmsLogin)];
  GRANT VIEW ANY DEFINITION TO [$(DmsLogin)];
  GRANT EXECUTE ON sys.sp_repldone TO [$(DmsLogin)];
  GRANT EXECUTE ON sys.sp_replincrementlsn TO [$(DmsLogin)];
  GRANT EXECUTE ON sys.sp_addpublication TO [$(DmsLogin)];
  GRANT EXECUTE ON sys.sp_addarticle TO [$(DmsLogin)];
  GRANT EXECUTE ON sys.sp_articlefilter TO [$(DmsLogin)];
  GRANT SELECT ON awsdms.split_partition_list TO [$(DmsLogin)];
  GRANT EXECUTE ON awsdms.rtm_dump_dblog TO [$(DmsLogin)];
  GRANT EXECUTE ON awsdms.rtm_position_1st_timestamp TO [$(DmsLogin)];
END;
GO
USE msdb;
IF USER_ID(N'$(DmsLogin)') IS NULL
  CREATE USER [$(DmsLogin)] FOR LOGIN [$(DmsLogin)];
IF N'$(Hosting)' = N'rds'
BEGIN
  GRANT EXEC ON msdb.dbo.rds_dms_tlog_download TO [$(DmsLogin)];
  GRANT EXEC ON msdb.dbo.rds_dms_tlog_read TO [$(DmsLogin)];
  GRANT EXEC ON msdb.dbo.rds_dms_tlog_list_current_lsn TO [$(DmsLogin)];
  GRANT EXEC ON msdb.dbo.rds_task_status TO [$(DmsLogin)];
END
ELSE
BEGIN
  GRANT SELECT ON msdb.dbo.backupset TO [$(DmsLogin)];
  GRANT SELECT ON msdb.dbo.backupmediafamily TO [$(DmsLogin)];
  GRANT SELECT ON msdb.dbo.backupfile TO [$(DmsLogin)];
END;
GO
USE [$(DatabaseName)];
IF USER_ID(N'$(DmsLogin)') IS NULL
  CREATE USER [$(DmsLogin)] FOR LOGIN [$(DmsLogin)];
ALTER ROLE db_owner ADD MEMBER [$(DmsLogin)];
GRANT VIEW DEFINITION TO [$(DmsLogin)];
GO
