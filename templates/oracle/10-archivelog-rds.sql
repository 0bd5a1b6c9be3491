/*
  RDS for Oracle: keep archived redo long enough for DMS to read it.
  DMS User Guide, "Configuring an AWS-managed Oracle source for AWS DMS"
  (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Amazon-Managed.Configuration):
  enable automated backups (backup retention above 0: RDS archives redo only then), then "to retain the archived
  redo logs for 24 hours, run exec rdsadmin.rdsadmin_util.set_configuration('archivelog retention hours',24);
  commit; -- The commit is required for a change to take effect."
  Storage: the instance needs room for the archived redo of the whole retention period (query 9 of
  00-preflight-checks.sql: MiB per hour x hours).
  Run as the RDS master user:
    sqlplus admin@//<endpoint>:1521/ORCL @10-archivelog-rds.sql 24
*/
WHENEVER SQLERROR EXIT SQL.SQLCODE
DEFINE retention_hours = '&1'
EXEC rdsadmin.rdsadmin_util.set_configuration('archivelog retention hours', &&retention_hours);
COMMIT;
SET SERVEROUTPUT ON
EXEC rdsadmin.rdsadmin_util.show_configuration;
