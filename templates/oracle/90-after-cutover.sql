/*
  After cut-over (the DMS task deleted): remove what DMS and these runbooks left on the source.
  - DMS "doesn't delete the entries it has created in the ALL_DIRECTORIES view, so manually delete them" (Binary
    Reader, self-managed; DMS User Guide, "Account privileges required when using AWS DMS Binary Reader to access the
    redo logs", https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Self-Managed.BinaryReaderPrivileges).
    Its directories are named DMS_...; RDS's ONLINELOG_DIR / ARCHIVELOG_DIR belong to RDS and stay.
  - The DMS user.
  - RDS: archived-redo retention back to what the instance had before 10-archivelog-rds.sql (argument 2, hours; 0 =
    RDS's default of removing archived logs as soon as they are backed up).
  Supplemental logging is left on: it costs little redo and other consumers (GoldenGate, a rollback path) may use it.
  Run as SYSDBA (self-managed) or the RDS master user:
    sqlplus / as sysdba @90-after-cutover.sql DMS_USER self-managed 0   (the third argument is unused there)
    sqlplus admin@//<endpoint>:1521/ORCL @90-after-cutover.sql DMS_USER rds 0
  Then delete the endpoint's secret (aws secretsmanager delete-secret).
*/
WHENEVER SQLERROR EXIT SQL.SQLCODE
SET VERIFY OFF
DEFINE dms_user = '&1'
DEFINE hosting = '&2'
DEFINE retention_hours = '&3'

BEGIN
  IF '&&hosting' = 'self-managed' THEN
    FOR d IN (SELECT directory_name FROM dba_directories WHERE directory_name LIKE 'DMS\_%' ESCAPE '\') LOOP
      EXECUTE IMMEDIATE 'DROP DIRECTORY "' || d.directory_name || '"';
    END LOOP;
  ELSIF '&&hosting' = 'rds' THEN
    rdsadmin.rdsadmin_util.set_configuration('archivelog retention hours', TO_NUMBER('&&retention_hours'));
    COMMIT;
  ELSE
    RAISE_APPLICATION_ERROR(-20001, 'hosting must be self-managed or rds');
  END IF;
  FOR u IN (SELECT username FROM dba_users WHERE username = UPPER('&&dms_user')) LOOP
    EXECUTE IMMEDIATE 'DROP USER ' || u.username;
  END LOOP;
END;
/
