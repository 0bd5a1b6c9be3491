/*
  Self-managed Oracle, capture mode 'logminer' (OracleSourceEndpoint mode 'logminer', DMS's default): what the DMS user
  needs on top of 30-user-self-managed.sql.
  DMS User Guide, "Account privileges required when using Oracle LogMiner to access the redo logs"
  (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Self-Managed.LogMinerPrivileges).
  No directory privileges: those are Binary Reader's (32-user-self-managed-binary-reader.sql). With ASM, LogMiner needs
  nothing more ("AWS DMS supports Oracle ASM without additional account privileges", Workflows).
  Run as SYSDBA:  sqlplus / as sysdba @31-user-self-managed-logminer.sql DMS_USER
*/
WHENEVER SQLERROR EXIT SQL.SQLCODE
DEFINE dms_user = '&1'
GRANT EXECUTE ON DBMS_LOGMNR TO &&dms_user;
GRANT SELECT ON V_$LOGMNR_LOGS TO &&dms_user;
GRANT SELECT ON V_$LOGMNR_CONTENTS TO &&dms_user;
-- "Required only if the Oracle version is 12c or higher": LOGMINING does not exist in 11g, where this line fails.
GRANT LOGMINING TO &&dms_user;
