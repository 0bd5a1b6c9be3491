/*
  mode 'ms-replication' on a self-managed SQL Server: configures this server as its own distributor and marks
  the database for transactional publishing. DMS then creates its publication and articles (tables WITH primary
  keys only) when the task starts.
  - With a sysadmin DMS login (the playbook's "NB! sysadmin"): only the distributor is needed (DMS does the rest);
    run this file once, as sysadmin.
  - With a non-sysadmin DMS login: run this file, start the task once as a sysadmin (or create the publication
    by hand), then non-sysadmin-wrapper.sql and login-ms-replication.sql with UseSysadmin="0" (the DMS guide's
    "Setting up ongoing replication on a standalone SQL Server: Without sysadmin role"), and set
    facts.distributionConfigured = true.
  Replication components must be installed (SQL Server setup: "SQL Server Replication" feature).
    sqlcmd -S <server> -d master -v DatabaseName="Billing" DistributionDb="distribution" WorkingDirectory="\\sql01\repldata" -i ms-replication-setup.sql
*/
SET NOCOUNT ON;
USE master;

DECLARE @distributor sysname;
CREATE TABLE #dist (installed int, distribution_server sysname NULL, distribution_db_installed int, is_distribution_publisher int, has_remote_distribution_publisher int);
INSERT #dist EXEC sp_get_distributor;
SELECT @distributor = distribution_server FROM #dist;

IF @distributor IS NULL
BEGIN
  PRINT 'Configuring this server as its own distributor';
  EXEC sp_adddistributor @distributor = @@SERVERNAME;
  EXEC sp_adddistributiondb @database = N'$(DistributionDb)', @security_mode = 1;
  EXEC sp_adddistpublisher @publisher = @@SERVERNAME, @distribution_db = N'$(DistributionDb)', @security_mode = 1, @working_directory = N'$(WorkingDirectory)';
END
ELSE
  PRINT CONCAT('Distributor already configured: ', @distributor);
DROP TABLE #dist;

PRINT 'Enabling $(DatabaseName) for transactional publishing';
EXEC sp_replicationdboption @dbname = N'$(DatabaseName)', @optname = N'publish', @value = N'true';

SELECT name, is_published FROM sys.databases WHERE name = N'$(DatabaseName)';
