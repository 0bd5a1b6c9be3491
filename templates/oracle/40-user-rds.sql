/*
  The DMS user on RDS for Oracle: everything a LogMiner task needs ("To use Oracle LogMiner, the minimum required user
  account privileges are sufficient"). For Binary Reader, then run 41-user-rds-binary-reader.sql.
  DMS User Guide, "User account privileges required on an AWS-managed Oracle source for AWS DMS"
  (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Amazon-Managed.Privileges).
  SYS objects are granted through rdsadmin.rdsadmin_util.grant_sys_object (the master user cannot GRANT on SYS objects;
  Amazon RDS User Guide, "Granting SELECT or EXECUTE privileges to SYS objects",
  https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.Oracle.CommonDBATasks.html#Appendix.Oracle.CommonDBATasks.TransferPrivileges).
  grant_sys_object takes the user name as stored: upper case for a user created without quotes (the guide's
  "Important" note), which is how this script creates it.
  Run as the RDS master user:
    sqlplus admin@//<endpoint>:1521/ORCL @40-user-rds.sql DMS_USER ERP
  Arguments: 1 = the DMS user, 2 = the schema to replicate. The password is typed (not echoed), then stored once in the
  endpoint's secret: {"username":"DMS_USER","password":"...","host":"<endpoint>","port":1521}.
*/
WHENEVER SQLERROR EXIT SQL.SQLCODE
SET VERIFY OFF
DEFINE dms_user = '&1'
DEFINE schema_name = '&2'
ACCEPT dms_password CHAR PROMPT 'Password for the DMS user (not echoed; no ; . : + characters, which DMS refuses in endpoint passwords): ' HIDE

-- The user, once (re-running keeps it and its password). Unquoted, so Oracle stores the name in upper case.
DECLARE
  n PLS_INTEGER;
BEGIN
  SELECT COUNT(*) INTO n FROM dba_users WHERE username = UPPER('&&dms_user');
  IF n = 0 THEN
    EXECUTE IMMEDIATE 'CREATE USER &&dms_user IDENTIFIED BY "&&dms_password"';
  END IF;
END;
/
UNDEFINE dms_password

GRANT CREATE SESSION TO &&dms_user;
GRANT SELECT ANY TRANSACTION TO &&dms_user;
GRANT SELECT ON DBA_TABLESPACES TO &&dms_user;
GRANT EXECUTE ON RDSADMIN.RDSADMIN_UTIL TO &&dms_user;
-- "Required only if the Oracle version is 12c or higher" (every RDS for Oracle version offered today).
GRANT LOGMINING TO &&dms_user;

EXEC rdsadmin.rdsadmin_util.grant_sys_object('ALL_VIEWS', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('ALL_TAB_PARTITIONS', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('ALL_INDEXES', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('ALL_OBJECTS', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('ALL_TABLES', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('ALL_USERS', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('ALL_CATALOG', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('ALL_CONSTRAINTS', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('ALL_CONS_COLUMNS', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('ALL_TAB_COLS', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('ALL_IND_COLUMNS', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('ALL_LOG_GROUPS', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('V_$ARCHIVED_LOG', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('V_$LOG', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('V_$LOGFILE', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('V_$DATABASE', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('V_$THREAD', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('V_$PARAMETER', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('V_$NLS_PARAMETERS', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('V_$TIMEZONE_NAMES', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('V_$TRANSACTION', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('V_$CONTAINERS', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('DBA_REGISTRY', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('OBJ$', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('ALL_ENCRYPTED_COLUMNS', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('V_$LOGMNR_LOGS', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('V_$LOGMNR_CONTENTS', UPPER('&&dms_user'), 'SELECT');
EXEC rdsadmin.rdsadmin_util.grant_sys_object('DBMS_LOGMNR', UPPER('&&dms_user'), 'EXECUTE');
-- "as of Oracle versions 12.1 and higher".
EXEC rdsadmin.rdsadmin_util.grant_sys_object('REGISTRY$SQLPATCH', UPPER('&&dms_user'), 'SELECT');
-- "for validation with LOB columns": dms-migration turns validation on for Oracle sources.
EXEC rdsadmin.rdsadmin_util.grant_sys_object('DBMS_CRYPTO', UPPER('&&dms_user'), 'EXECUTE');

-- The guide's conditional grants; uncomment the ones that apply:
-- EXEC rdsadmin.rdsadmin_util.grant_sys_object('ENC$', UPPER('&&dms_user'), 'SELECT');                -- TDE (tablespace TDE, LogMiner only on RDS)
-- EXEC rdsadmin.rdsadmin_util.grant_sys_object('V_$STANDBY_LOG', UPPER('&&dms_user'), 'SELECT');      -- an RDS Active Data Guard standby
-- EXEC rdsadmin.rdsadmin_util.grant_sys_object('V_$DATAGUARD_STATS', UPPER('&&dms_user'), 'SELECT');  -- Data Guard standby, DMS 3.4.6+

-- "GRANT SELECT on any-replicated-table to db_user" for every table of the schema (the guide's per-table grant when
-- the task names its tables; no SELECT ANY TABLE). Re-run after adding tables.
BEGIN
  FOR t IN (SELECT table_name FROM dba_tables WHERE owner = UPPER('&&schema_name') AND temporary = 'N' AND dropped = 'NO' AND nested = 'NO') LOOP
    EXECUTE IMMEDIATE 'GRANT SELECT ON "' || UPPER('&&schema_name') || '"."' || t.table_name || '" TO &&dms_user';
  END LOOP;
END;
/
-- Only with the endpoint option addSupplementalLogging (DMS adds PRIMARY KEY logging itself, "grant ALTER on
-- any-replicated-table"); 20-supplemental-logging-*.sql does that instead, so ALTER is not granted here:
--   EXECUTE IMMEDIATE 'GRANT ALTER ON "<schema>"."<table>" TO <dms_user>';
