/*
  RDS for Oracle, capture mode 'binary-reader': the server-level directories over the online and archived redo, and
  READ on them for the DMS user, on top of 40-user-rds.sql.
  DMS User Guide, "Configuring a CDC task to use Binary Reader with an RDS for Oracle source for AWS DMS", steps 1-2
  (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Amazon-Managed.CDC),
  and DBA_DIRECTORIES "for binary reader" ("User account privileges required on an AWS-managed Oracle source").
  Step 3 (the endpoint attributes) is OracleSourceEndpoint's: useLogminerReader=N;useBfile=Y, plus the path-prefix
  attributes on RDS for Oracle 11.2 and 12.1.
  Binary Reader on RDS does not read TDE-encrypted data (Limitations): use LogMiner there.
  An RDS standby (read replica) source: run this on the primary, then GRANT READ on the ARCHIVELOG_DIR_* and
  ONLINELOG_DIR_* directories it lists, switch a log on the primary, and check ALL_DIRECTORIES on the standby
  ("Using an Amazon RDS Oracle Standby (read replica) as a source with Binary Reader for CDC").
  Run as the RDS master user:
    sqlplus admin@//<endpoint>:1521/ORCL @41-user-rds-binary-reader.sql DMS_USER
*/
WHENEVER SQLERROR EXIT SQL.SQLCODE
DEFINE dms_user = '&1'
EXEC rdsadmin.rdsadmin_master_util.create_archivelog_dir;
EXEC rdsadmin.rdsadmin_master_util.create_onlinelog_dir;
GRANT READ ON DIRECTORY ONLINELOG_DIR TO &&dms_user;
GRANT READ ON DIRECTORY ARCHIVELOG_DIR TO &&dms_user;
EXEC rdsadmin.rdsadmin_util.grant_sys_object('DBA_DIRECTORIES', UPPER('&&dms_user'), 'SELECT');
SELECT directory_name, directory_path FROM all_directories WHERE directory_name IN ('ONLINELOG_DIR', 'ARCHIVELOG_DIR');
