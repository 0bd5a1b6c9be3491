/*
  DMS login for mode 'ms-replication'. Two ways, matching facts.sysadmin / facts.distributionConfigured:
  A) sysadmin (the playbook's way): DMS creates the publication and articles itself. Simple, broad: revoke
     sysadmin after cut-over (last block of this file, commented).
  B) non-sysadmin (least privilege): after ms-replication-setup.sql and a first run as sysadmin (or a publication
     made by hand), the login needs db_owner in the source database, VIEW SERVER STATE, msdb backup history, and
     the awsdms helper objects of the DMS guide ("Without sysadmin role"). Set facts.distributionConfigured = true.
    sqlcmd -S <server> -d master -v DatabaseName="Billing" DmsLogin="dms_repl" DmsPassword="<typed>" UseSysadmin="0" -i login-ms-replication.sql
*/
SET NOCOUNT ON;
USE master;
IF SUSER_ID(N'$(DmsLogin)') IS NULL
  CREATE LOGIN [$(DmsLogin)] WITH PASSWORD = N'$(DmsPassword)', CHECK_POLICY = ON, DEFAULT_DATABASE = [$(DatabaseName)];
IF N'$(UseSysadmin)' = N'1'
BEGIN
  PRINT 'Option A: granting sysadmin (DMS sets up the publication itself)';
  ALTER SERVER ROLE sysadmin ADD MEMBER [$(DmsLogin)];
END
ELSE
BEGIN
  PRINT 'Option B: least privilege (distributor and publication prepared by a DBA)';
  GRANT VIEW SERVER STATE TO [$(DmsLogin)];
  IF USER_ID(N'$(DmsLogin)') IS NULL
    CREATE USER [$(DmsLogin)] FOR LOGIN [$(DmsLogin)];
  GRANT VIEW DATABASE STATE TO [$(DmsLogin)]; -- in master, for a non-sysadmin login
END;
GO
IF N'$(UseSysadmin)' <> N'1'
BEGIN
  EXEC (N'USE msdb;
    IF USER_ID(N''$(DmsLogin)'') IS NULL CREATE USER [$(DmsLogin)] FOR LOGIN [$(DmsLogin)];
    GRANT SELECT ON dbo.backupset TO [$(DmsLogin)];
    GRANT SELECT ON dbo.backupmediafamily TO [$(DmsLogin)];
    GRANT SELECT ON dbo.backupfile TO [$(DmsLogin)];');
  EXEC (N'USE [$(DatabaseName)];
    IF USER_ID(N''$(DmsLogin)'') IS NULL CREATE USER [$(DmsLogin)] FOR LOGIN [$(DmsLogin)];
    ALTER ROLE db_owner ADD MEMBER [$(DmsLogin)];');
END;
GO
/* After cut-over (option A): ALTER SERVER ROLE sysadmin DROP MEMBER [$(DmsLogin)]; */
