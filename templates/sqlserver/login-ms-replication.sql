/*
  DMS login for mode 'ms-replication' (self-managed SQL Server only). Two ways, matching facts.sysadmin /
  facts.distributionConfigured:
  A) UseSysadmin="1", sysadmin (the playbook's way): DMS creates the publication and articles itself. Simple,
     broad: revoke sysadmin after cut-over (last block of this file, commented).
  B) UseSysadmin="0", least privilege: the DMS User Guide, "Setting up ongoing replication on a standalone SQL Server:
     Without sysadmin role"
     (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.SQLServer.CDC.html#CHAP_SupportScripts.SQLServer.standalone):
       1-2. distribution configured and the database published: ms-replication-setup.sql, then the publication made
            by a first task run as sysadmin (or by hand);
       3-13. the awsdms schema, split_partition_list, and the certificate-signed rtm_dump_dblog and
            rtm_position_1st_timestamp in master: non-sysadmin-wrapper.sql, as sysadmin, before this file;
       14-15. this file: in master SELECT on sys.fn_dblog, VIEW ANY DEFINITION, VIEW SERVER STATE, EXECUTE on
            sp_repldone, sp_replincrementlsn, sp_addpublication, sp_addarticle, sp_articlefilter, SELECT on
            awsdms.split_partition_list, EXECUTE on awsdms.rtm_dump_dblog and awsdms.rtm_position_1st_timestamp;
            SELECT on the msdb backup history; db_owner in the source database (plus VIEW DEFINITION there, from
            "Permissions for tasks with ongoing replication" in CHAP_Source.SQLServer.html);
       16. the endpoint attribute enableNonSysadminWrapper=true: set by the module (SqlServerSourceEndpoint,
            options.nonSysadminWrapper, on by default for this case).
     Then set facts.distributionConfigured = true.
    sqlcmd -S <server> -d master -v DatabaseName="Billing" DmsLogin="dms_repl" DmsPassword="<typed>" UseSysadmin="0" -i login-ms-replication.sql
*/
:on error exit
SET NOCOUNT ON;
USE master;
IF SUSER_ID(N'$(DmsLogin)') IS NULL
  CREATE LOGIN [$(DmsLogin)] WITH PASSWORD = N'$(DmsPassword)', CHECK_POLICY = ON, DEFAULT_DATABASE = [$(DatabaseName)];
IF N'$(UseSysadmin)' = N'1'
BEGIN
  PRINT 'Option A: granting sysadmin (DMS sets up the publication itself)';
  ALTER SERVER ROLE sysadmin ADD MEMBER [$(DmsLogin)];
END;
GO
USE master;
IF N'$(UseSysadmin)' <> N'1'
BEGIN
  PRINT 'Option B: least privilege (distributor, publication and awsdms objects prepared by a DBA)';
  IF OBJECT_ID(N'awsdms.split_partition_list', N'TF') IS NULL
     OR OBJECT_ID(N'awsdms.rtm_dump_dblog', N'P') IS NULL
     OR OBJECT_ID(N'awsdms.rtm_position_1st_timestamp', N'P') IS NULL
  BEGIN
    RAISERROR (N'The awsdms objects are missing in master: run non-sysadmin-wrapper.sql as sysadmin first.', 16, 1);
    RETURN;
  END;
  IF USER_ID(N'$(DmsLogin)') IS NULL
    CREATE USER [$(DmsLogin)] FOR LOGIN [$(DmsLogin)];
  GRANT SELECT ON sys.fn_dblog TO [$(DmsLogin)];
  GRANT VIEW ANY DEFINITION TO [$(DmsLogin)];
  GRANT VIEW SERVER STATE TO [$(DmsLogin)];
  GRANT EXECUTE ON sys.sp_repldone TO [$(DmsLogin)];
  GRANT EXECUTE ON sys.sp_replincrementlsn TO [$(DmsLogin)];
  GRANT EXECUTE ON sys.sp_addpublication TO [$(DmsLogin)];
  GRANT EXECUTE ON sys.sp_addarticle TO [$(DmsLogin)];
  GRANT EXECUTE ON sys.sp_articlefilter TO [$(DmsLogin)];
  GRANT SELECT ON awsdms.split_partition_list TO [$(DmsLogin)];
  GRANT EXECUTE ON awsdms.rtm_dump_dblog TO [$(DmsLogin)];
  GRANT EXECUTE ON awsdms.rtm_position_1st_timestamp TO [$(DmsLogin)];
  GRANT VIEW DATABASE STATE TO [$(DmsLogin)]; -- in master, kept from earlier versions (premigration assessment)
END;
GO
USE msdb;
IF N'$(UseSysadmin)' <> N'1'
BEGIN
  IF USER_ID(N'$(DmsLogin)') IS NULL
    CREATE USER [$(DmsLogin)] FOR LOGIN [$(DmsLogin)];
  GRANT SELECT ON msdb.dbo.backupset TO [$(DmsLogin)];
  GRANT SELECT ON msdb.dbo.backupmediafamily TO [$(DmsLogin)];
  GRANT SELECT ON msdb.dbo.backupfile TO [$(DmsLogin)];
END;
GO
USE [$(DatabaseName)];
IF N'$(UseSysadmin)' <> N'1'
BEGIN
  IF USER_ID(N'$(DmsLogin)') IS NULL
    CREATE USER [$(DmsLogin)] FOR LOGIN [$(DmsLogin)];
  ALTER ROLE db_owner ADD MEMBER [$(DmsLogin)];
  GRANT VIEW DEFINITION TO [$(DmsLogin)];
END;
GO
/* After cut-over (option A): ALTER SERVER ROLE sysadmin DROP MEMBER [$(DmsLogin)]; */
