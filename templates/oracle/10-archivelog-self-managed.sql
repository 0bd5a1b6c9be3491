/*
  Self-managed Oracle: ARCHIVELOG mode and how long archived redo is kept, for DMS change capture.
  DMS User Guide, "Making sure that ARCHIVELOG mode is on"
  (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Self-Managed.Configuration.ArchiveLogMode):
  "To run a CDC task, run the database in ARCHIVELOG mode. ... If NOARCHIVELOG mode is returned, set the database to
  ARCHIVELOG per Oracle instructions."
  Run as SYSDBA on the source (a CDB: in CDB$ROOT; the setting is database-wide):
    sqlplus / as sysdba @10-archivelog-self-managed.sql
  Switching to ARCHIVELOG restarts the database: the switch is left commented out below; run it in a maintenance
  window, once.
*/
WHENEVER SQLERROR EXIT SQL.SQLCODE
SELECT log_mode FROM v$database;

-- Only when the query above returned NOARCHIVELOG (restarts the database):
-- SHUTDOWN IMMEDIATE
-- STARTUP MOUNT
-- ALTER DATABASE ARCHIVELOG;
-- ALTER DATABASE OPEN;

/*
  Retention: DMS reads archived redo from the position it last committed, so archived logs must stay on disk (or in
  ASM) until DMS has read them, and across a task stop as long as you may need to resume it. Keep at least 24 hours
  (the retention the DMS guide uses for RDS) and make the RMAN deletion policy respect it, e.g.
    RMAN> CONFIGURE ARCHIVELOG DELETION POLICY TO BACKED UP 1 TIMES TO DISK;
    RMAN> DELETE ARCHIVELOG ALL COMPLETED BEFORE 'SYSDATE-1';   -- in the backup job, never more aggressive
  Size the archive destination from query 9 of 00-preflight-checks.sql (MiB per hour x retention hours).
*/
ARCHIVE LOG LIST
