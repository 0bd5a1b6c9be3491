/*
  Puts the database in the FULL recovery model and takes the full backup that starts the log chain.
  Needed by ms-cdc and ms-replication (DMS reads the transaction log); not needed by full-load-only.
  Run as a DBA:  sqlcmd -S <server> -d master -v DatabaseName="Billing" BackupPath="D:\Backups\Billing_full.bak" -i 10-recovery-model-and-backup.sql
  RDS for SQL Server: skip this file. Automated backups (retention >= 1 day) put RDS databases in FULL recovery.
  Keep regular log backups running afterwards, with retention longer than the longest DMS task outage you plan
  to recover from (DMS reads log backups when the active log has moved on).
*/
SET NOCOUNT ON;

IF (SELECT recovery_model_desc FROM sys.databases WHERE name = N'$(DatabaseName)') <> N'FULL'
BEGIN
  PRINT 'Switching $(DatabaseName) to the FULL recovery model';
  ALTER DATABASE [$(DatabaseName)] SET RECOVERY FULL;
END;

PRINT 'Taking a full backup (the log chain starts here)';
BACKUP DATABASE [$(DatabaseName)] TO DISK = N'$(BackupPath)' WITH CHECKSUM, STATS = 10;

SELECT name, recovery_model_desc FROM sys.databases WHERE name = N'$(DatabaseName)';
