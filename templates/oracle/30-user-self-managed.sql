/*
  The DMS user on a self-managed Oracle source: the privileges every DMS task needs (full load and CDC, either
  capture mode). Then run 31-user-self-managed-logminer.sql or 32-user-self-managed-binary-reader.sql for the mode.
  DMS User Guide, "User account privileges required on a self-managed Oracle source for AWS DMS"
  (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Self-Managed.Privileges).
  "When granting privileges, use the actual name of objects, not the synonym" (V_$..., not V$...).
  Run as SYSDBA in the database the endpoint's databaseName names (for a pluggable database: in that PDB):
    sqlplus / as sysdba @30-user-self-managed.sql DMS_USER ERP
  Arguments: 1 = the DMS user, 2 = the schema to replicate. The password is typed (not echoed), then stored once in the
  endpoint's secret: {"username":"DMS_USER","password":"...","host":"<serverAddress>","port":1521}.
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
GRANT SELECT ON V_$ARCHIVED_LOG TO &&dms_user;
GRANT SELECT ON V_$LOG TO &&dms_user;
GRANT SELECT ON V_$LOGFILE TO &&dms_user;
GRANT SELECT ON V_$LOGMNR_LOGS TO &&dms_user;
GRANT SELECT ON V_$LOGMNR_CONTENTS TO &&dms_user;
GRANT SELECT ON V_$DATABASE TO &&dms_user;
GRANT SELECT ON V_$THREAD TO &&dms_user;
GRANT SELECT ON V_$PARAMETER TO &&dms_user;
GRANT SELECT ON V_$NLS_PARAMETERS TO &&dms_user;
GRANT SELECT ON V_$TIMEZONE_NAMES TO &&dms_user;
GRANT SELECT ON V_$TRANSACTION TO &&dms_user;
GRANT SELECT ON V_$CONTAINERS TO &&dms_user;
GRANT SELECT ON ALL_INDEXES TO &&dms_user;
GRANT SELECT ON ALL_OBJECTS TO &&dms_user;
GRANT SELECT ON ALL_TABLES TO &&dms_user;
GRANT SELECT ON ALL_USERS TO &&dms_user;
GRANT SELECT ON ALL_CATALOG TO &&dms_user;
GRANT SELECT ON ALL_CONSTRAINTS TO &&dms_user;
GRANT SELECT ON ALL_CONS_COLUMNS TO &&dms_user;
GRANT SELECT ON ALL_TAB_COLS TO &&dms_user;
GRANT SELECT ON ALL_IND_COLUMNS TO &&dms_user;
GRANT SELECT ON ALL_ENCRYPTED_COLUMNS TO &&dms_user;
GRANT SELECT ON ALL_LOG_GROUPS TO &&dms_user;
GRANT SELECT ON ALL_TAB_PARTITIONS TO &&dms_user;
GRANT SELECT ON SYS.DBA_REGISTRY TO &&dms_user;
GRANT SELECT ON SYS.OBJ$ TO &&dms_user;
GRANT SELECT ON DBA_TABLESPACES TO &&dms_user;
-- "Required for preflight v3" (DMS's premigration assessment).
GRANT SELECT ON DBA_TYPES TO &&dms_user;
-- "to validate LOB columns with the validation feature": dms-migration turns validation on for Oracle sources.
GRANT EXECUTE ON SYS.DBMS_CRYPTO TO &&dms_user;

-- The guide's conditional grants; uncomment the ones that apply (00-preflight-checks.sql tells which):
-- GRANT SELECT ON DBA_OBJECTS TO &&dms_user;          -- Oracle earlier than 11.2.0.3
-- GRANT SELECT ON SYS.ENC$ TO &&dms_user;             -- transparent data encryption (facts.tde)
-- GRANT SELECT ON GV_$TRANSACTION TO &&dms_user;      -- Oracle RAC, DMS 3.4.6 and later
-- GRANT SELECT ON V_$DATAGUARD_STATS TO &&dms_user;   -- a Data Guard standby source (facts.standby), DMS 3.4.6+
-- GRANT SELECT ON ALL_VIEWS TO &&dms_user;            -- with the endpoint attribute exposeViews=true

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
