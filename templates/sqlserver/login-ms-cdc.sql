/*
  DMS login for mode 'ms-cdc' WITHOUT sysadmin (self-managed server, after ms-cdc-enable.sql; or RDS, after
  ms-cdc-enable-rds.sql, run as the master user).
  What DMS needs, and why:
    - db_owner in the source database: read the tables and the cdc.* change tables, create its awsdms helper objects;
    - VIEW SERVER STATE: read log positions and the active transaction log (sys.fn_dblog);
    - VIEW DATABASE STATE in master (checked by DMS's premigration assessment for non-sysadmin logins);
    - SELECT on the msdb backup history: find log backups when the active log has moved on.
  The login must NOT be asked to create a publication: the module sets ignoreMsReplicationEnablement=true for ms-cdc.
    sqlcmd -S <server> -d master -v DatabaseName="Billing" DmsLogin="dms_cdc" DmsPassword="<typed>" -i login-ms-cdc.sql
*/
SET NOCOUNT ON;
USE master;
IF SUSER_ID(N'$(DmsLogin)') IS NULL
  CREATE LOGIN [$(DmsLogin)] WITH PASSWORD = N'$(DmsPassword)', CHECK_POLICY = ON, DEFAULT_DATABASE = [$(DatabaseName)];
GRANT VIEW SERVER STATE TO [$(DmsLogin)];
-- DMS reads server metadata through master with a non-sysadmin login: VIEW DATABASE STATE there.
IF USER_ID(N'$(DmsLogin)') IS NULL
  CREATE USER [$(DmsLogin)] FOR LOGIN [$(DmsLogin)];
GRANT VIEW DATABASE STATE TO [$(DmsLogin)];
GO
USE msdb;
IF USER_ID(N'$(DmsLogin)') IS NULL
  CREATE USER [$(DmsLogin)] FOR LOGIN [$(DmsLogin)];
GRANT SELECT ON dbo.backupset TO [$(DmsLogin)];
GRANT SELECT ON dbo.backupmediafamily TO [$(DmsLogin)];
GRANT SELECT ON dbo.backupfile TO [$(DmsLogin)];
GO
USE [$(DatabaseName)];
IF USER_ID(N'$(DmsLogin)') IS NULL
  CREATE USER [$(DmsLogin)] FOR LOGIN [$(DmsLogin)];
ALTER ROLE db_owner ADD MEMBER [$(DmsLogin)];
GO
