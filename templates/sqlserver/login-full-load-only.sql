/*
  DMS login for mode 'full-load-only' (one-off load, or the reporting server re-loaded daily).
  The permissions of the DMS User Guide, "Using a Microsoft SQL Server database as a source for AWS DMS" >
  "Permissions for full load only tasks"
  (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.SQLServer.html#CHAP_Source.SQLServer.Permissions.FullLoad):
    - in the source database: db_datareader, VIEW DATABASE STATE, VIEW DEFINITION;
    - on the server: VIEW SERVER STATE.
  The playbook asked for db_owner; reading is all a full load does (grant db_owner only if a table's permissions
  deny SELECT to db_datareader). The user in master with VIEW DATABASE STATE there is kept from earlier versions
  of this runbook (DMS's premigration assessment reads server metadata through master).
  Run as a DBA. The password is typed at run time (never committed) and then stored in the secret the module
  created, with the host and port DMS connects to (DMS reads all four from the secret):
    aws secretsmanager put-secret-value --secret-id <project>-<env>-<component>-login --secret-string '{"username":"dms_reader","password":"...","host":"10.20.30.40","port":1433}'
    sqlcmd -S <server> -d master -v DatabaseName="Reports" DmsLogin="dms_reader" DmsPassword="<typed>" -i login-full-load-only.sql
*/
:on error exit
SET NOCOUNT ON;
USE master;
IF SUSER_ID(N'$(DmsLogin)') IS NULL
  CREATE LOGIN [$(DmsLogin)] WITH PASSWORD = N'$(DmsPassword)', CHECK_POLICY = ON, DEFAULT_DATABASE = [$(DatabaseName)];
GRANT VIEW SERVER STATE TO [$(DmsLogin)];
IF USER_ID(N'$(DmsLogin)') IS NULL
  CREATE USER [$(DmsLogin)] FOR LOGIN [$(DmsLogin)];
GRANT VIEW DATABASE STATE TO [$(DmsLogin)];
GO
USE [$(DatabaseName)];
IF USER_ID(N'$(DmsLogin)') IS NULL
  CREATE USER [$(DmsLogin)] FOR LOGIN [$(DmsLogin)];
ALTER ROLE db_datareader ADD MEMBER [$(DmsLogin)];
GRANT VIEW DATABASE STATE TO [$(DmsLogin)];
GRANT VIEW DEFINITION TO [$(DmsLogin)];
GO
