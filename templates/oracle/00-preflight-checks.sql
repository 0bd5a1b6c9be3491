/*
  Oracle source preflight for DMS: the facts OracleSourceFacts asks for (modules/dms-migration/oracle-mode.ts), read
  from the source. Read-only; run as a DBA (or the RDS master user) in SQL*Plus or SQLcl:
    sqlplus admin@//<host>:1521/<service> @00-preflight-checks.sql
  Each query names the DMS User Guide section ("Using an Oracle database as a source for AWS DMS",
  https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html) whose rule it feeds.
*/
WHENEVER SQLERROR EXIT SQL.SQLCODE
SET PAGESIZE 200 LINESIZE 200 FEEDBACK OFF
DEFINE schema_name = '&1'

PROMPT 1. version (facts.version). "Verifying that AWS DMS supports the source database version": if this query fails,
PROMPT    DMS does not support the version.
PROMPT    https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Self-Managed.Configuration.DbVersion
SELECT name, value, description FROM v$parameter WHERE name = 'compatible';
SELECT banner FROM v$version WHERE ROWNUM = 1;

PROMPT 2. ARCHIVELOG (facts.archiveLogMode) and database-level supplemental logging (facts.supplementalLogging: YES or IMPLICIT).
PROMPT    https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Self-Managed.Configuration.ArchiveLogMode
SELECT log_mode, supplemental_log_data_min, supplemental_log_data_pk, supplemental_log_data_all FROM v$database;

PROMPT 3. multitenant (facts.container): CDB = NO -> 'non-cdb'; CON_NAME = CDB$ROOT -> 'cdb-root' (not supported); else 'pdb'.
PROMPT    "Limitations on using Oracle as a source": no CDB$ROOT; a PDB only with Binary Reader.
PROMPT    https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Limitations
SELECT cdb, SYS_CONTEXT('USERENV', 'CON_NAME') AS con_name FROM v$database;

PROMPT 4. TDE (facts.tde): encrypted tablespaces, then encrypted columns.
SELECT tablespace_name, encrypted FROM dba_tablespaces WHERE encrypted = 'YES';
SELECT owner, table_name, column_name FROM dba_encrypted_columns WHERE owner = UPPER('&&schema_name');

PROMPT 5. ASM (facts.asm): redo or archive destinations starting with '+' are in ASM.
SELECT member FROM v$logfile WHERE member LIKE '+%' AND ROWNUM <= 3;
SELECT dest_id, destination FROM v$archive_dest WHERE status = 'VALID';

PROMPT 6. Data Guard role (facts.standby): PHYSICAL STANDBY opened READ ONLY WITH APPLY is an Active Data Guard standby.
SELECT open_mode, database_role FROM v$database;

PROMPT 7. table clusters (facts.tableClusters: Binary Reader does not support them).
SELECT owner, table_name, cluster_name FROM dba_tables WHERE owner = UPPER('&&schema_name') AND cluster_name IS NOT NULL;

PROMPT 8. tables without a primary key, and whether they have a unique index: these need the supplemental logging of
PROMPT    20-supplemental-logging-*.sql (ALL COLUMNS without any unique key) and cannot be validated by DMS.
SELECT t.table_name,
       (SELECT MIN(i.index_name) FROM dba_indexes i WHERE i.table_owner = t.owner AND i.table_name = t.table_name AND i.uniqueness = 'UNIQUE') AS first_unique_index
  FROM dba_tables t
 WHERE t.owner = UPPER('&&schema_name')
   AND t.temporary = 'N'
   AND NOT EXISTS (SELECT 1 FROM dba_constraints c WHERE c.owner = t.owner AND c.table_name = t.table_name AND c.constraint_type = 'P')
 ORDER BY t.table_name;

PROMPT 9. redo volume per hour over the last day (facts.highRedoVolume; sizes 10-archivelog-rds.sql's retention too).
SELECT TRUNC(completion_time, 'HH24') AS hour, ROUND(SUM(blocks * block_size) / 1024 / 1024) AS mib
  FROM v$archived_log
 WHERE completion_time > SYSDATE - 1 AND dest_id = 1
 GROUP BY TRUNC(completion_time, 'HH24')
 ORDER BY 1;

PROMPT 10. LOB columns and their largest value (limited LOB mode truncates larger LOBs with only a warning).
SELECT table_name, column_name, data_type FROM dba_tab_columns
 WHERE owner = UPPER('&&schema_name') AND data_type IN ('CLOB', 'NCLOB', 'BLOB', 'XMLTYPE', 'LONG', 'LONG RAW')
 ORDER BY table_name, column_name;
