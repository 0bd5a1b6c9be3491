/*
  Self-managed Oracle, capture mode 'binary-reader' (endpoint attributes useLogminerReader=N;useBfile=Y): what the DMS
  user needs on top of 30-user-self-managed.sql.
  DMS User Guide, "Account privileges required when using AWS DMS Binary Reader to access the redo logs"
  (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Self-Managed.BinaryReaderPrivileges),
  and SYS.DBA_DIRECTORIES ("if you use binary reader instead of LogMiner", "User account privileges required on a
  self-managed Oracle source").
  No LogMiner privileges (DBMS_LOGMNR, LOGMINING): Binary Reader reads the redo files itself.
  CREATE ANY DIRECTORY lets DMS create its Oracle directories (named DMS_...) over the redo and archive folders. Without
  it (Oracle Managed Files, or an Active Data Guard standby, which is read-only), create a directory for every log
  location before the task starts and GRANT READ ON DIRECTORY to the user; DMS stops when an expected directory is
  missing, and never drops the ones it created (90-after-cutover.sql does).
  Run as SYSDBA:  sqlplus / as sysdba @32-user-self-managed-binary-reader.sql DMS_USER
*/
WHENEVER SQLERROR EXIT SQL.SQLCODE
DEFINE dms_user = '&1'
GRANT SELECT ON SYS.DBA_DIRECTORIES TO &&dms_user;
-- "if the redo logs are stored in Oracle ASM and AWS DMS accesses them from ASM" (also harmless without ASM).
GRANT SELECT ON V_$TRANSPORTABLE_PLATFORM TO &&dms_user;
-- "to allow AWS DMS to use Oracle BFILE read file access ... when the replication instance doesn't have file-level
-- access to the redo logs and the redo logs are on non-ASM storage".
GRANT CREATE ANY DIRECTORY TO &&dms_user;
-- "to copy the redo log files to a temporary folder using the CopyToTempFolder method".
GRANT EXECUTE ON DBMS_FILE_TRANSFER TO &&dms_user;
GRANT EXECUTE ON DBMS_FILE_GROUP TO &&dms_user;
-- An Active Data Guard standby source (facts.standby) also needs, on the standby ("Using a self-managed Oracle
-- Standby as a source with Binary Reader"): GRANT SELECT ON V_$STANDBY_LOG TO &&dms_user;
