/*
  DMS login for mode 'full-load-only' (one-off load, or the reporting server re-loaded daily).
  Least privilege: read the selected tables and their definitions (and VIEW DATABASE STATE in master, which
  DMS's premigration assessment checks for non-sysadmin logins). The playbook asked for db_owner; reading is
  all a full load does, so db_datareader + VIEW DEFINITION is enough (grant db_owner only if a table's
  permissions deny SELECT to db_datareader).
  Run as a DBA. The password is typed at run time (never committed) and then stored in the secret the module
  created, with the host and port DMS connects to (DMS reads all four from the secret):
    aws secretsmanager put-secret-value --secret-id <project>-<env>-<component>-login --secret-string '{"username":"dms_reader","password":"...","host":"10.20.30.40","port":1433}'
    sqlcmd -S <server> -d master -v DatabaseName="Reports" DmsLogin="dms_reader" DmsPassword="<typed>" -i login-full-load-only.sql
*/
SET NOCOUNT ON;
USE master;
IF SUSER_ID(N'$(DmsLogin)') IS NULL
  CREATE LOGIN [$(DmsLogin)] WITH PASSWORD = N'$(DmsPassword)', CHECK_POLICY = ON, DEFAULT_DATABASE = [$(DatabaseName)];
-- DMS reads server metadata through master with a non-sysadmin login: VIEW DATABASE STATE there.
IF USER_ID(N'$(DmsLogin)') IS NULL
  CREATE USER [$(DmsLogin)] FOR LOGIN [$(DmsLogin)];
GRANT VIEW DATABASE STATE TO [$(DmsLogin)];
GO
USE [$(DatabaseName)];
IF USER_ID(N'$(DmsLogin)') IS NULL
  CREATE USER [$(DmsLogin)] FOR LOGIN [$(DmsLogin)];
ALTER ROLE db_datareader ADD MEMBER [$(DmsLogin)];
GRANT VIEW DEFINITION TO [$(DmsLogin)];
GO
