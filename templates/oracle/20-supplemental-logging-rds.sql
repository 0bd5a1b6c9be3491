/*
  RDS for Oracle: supplemental logging for DMS change capture.
  DMS User Guide, "Configuring an AWS-managed Oracle source for AWS DMS", "To set up supplemental logging"
  (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Amazon-Managed.Configuration):
    1. exec rdsadmin.rdsadmin_util.alter_supplemental_logging('ADD');
    2. exec rdsadmin.rdsadmin_util.alter_supplemental_logging('ADD','PRIMARY KEY');
    3. (optional) table-level key logging.
  RDS gives no ALTER DATABASE: the rdsadmin procedures set the database level. The table level below follows the
  self-managed section's rules for tables without a primary key (unique-index log group, else ALL columns), which
  database-level PRIMARY KEY logging does not cover the way DMS needs.
  Run as the RDS master user:
    sqlplus admin@//<endpoint>:1521/ORCL @20-supplemental-logging-rds.sql ERP N
  Arguments: 1 = the schema to replicate, 2 = Y to log ALL columns of every table (S3 targets, filtered columns), else N.
*/
WHENEVER SQLERROR EXIT SQL.SQLCODE
DEFINE schema_name = '&1'
DEFINE all_columns = '&2'

EXEC rdsadmin.rdsadmin_util.alter_supplemental_logging('ADD');
EXEC rdsadmin.rdsadmin_util.alter_supplemental_logging('ADD', 'PRIMARY KEY');
SELECT supplemental_log_data_min, supplemental_log_data_pk FROM v$database;
/*
  Table level, for every table of the schema (DMS guide, "Setting up supplemental logging", step 2
  (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.Oracle.html#CHAP_Source.Oracle.Self-Managed.Configuration.SupplementalLogging)):
    - a primary key: ADD SUPPLEMENTAL LOG DATA (PRIMARY KEY) COLUMNS;
    - no primary key, a unique index: a log group of that index's columns, ALWAYS ("Using SUPPLEMENTAL LOG DATA
      (UNIQUE INDEX) COLUMNS doesn't add the unique index columns to the log"); with several, DMS takes the first in
      alphabetical order, and so does this script;
    - neither: ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS ("A source table with neither primary nor unique key requires
      ALL COLUMN supplemental logging", Limitations).
  all_columns = Y logs ALL columns on every table instead: needed for S3 targets ("enable supplemental logging on every
  column", Limitations) and for tables whose filters or transformations use non-key columns.
  Tables that already have the logging are skipped (re-running changes nothing).
*/
DECLARE
  v_owner CONSTANT VARCHAR2(128) := UPPER('&&schema_name');
  v_all   CONSTANT BOOLEAN := UPPER('&&all_columns') = 'Y';
  v_cols  VARCHAR2(4000);
  FUNCTION has_log(p_table VARCHAR2, p_type VARCHAR2) RETURN BOOLEAN IS
    n PLS_INTEGER;
  BEGIN
    SELECT COUNT(*) INTO n FROM dba_log_groups WHERE owner = v_owner AND table_name = p_table AND log_group_type = p_type;
    RETURN n > 0;
  END;
BEGIN
  FOR t IN (
    SELECT tb.table_name, o.object_id,
           (SELECT COUNT(*) FROM dba_constraints c WHERE c.owner = tb.owner AND c.table_name = tb.table_name AND c.constraint_type = 'P') AS has_pk,
           (SELECT MIN(i.index_name) FROM dba_indexes i WHERE i.table_owner = tb.owner AND i.table_name = tb.table_name AND i.uniqueness = 'UNIQUE') AS unique_index
      FROM dba_tables tb JOIN dba_objects o ON o.owner = tb.owner AND o.object_name = tb.table_name AND o.object_type = 'TABLE'
     WHERE tb.owner = v_owner AND tb.temporary = 'N' AND tb.nested = 'NO' AND tb.dropped = 'NO' AND (tb.iot_type IS NULL OR tb.iot_type = 'IOT')
  ) LOOP
    IF v_all OR (t.has_pk = 0 AND t.unique_index IS NULL) THEN
      IF NOT has_log(t.table_name, 'ALL COLUMN LOGGING') THEN
        EXECUTE IMMEDIATE 'ALTER TABLE "' || v_owner || '"."' || t.table_name || '" ADD SUPPLEMENTAL LOG DATA (ALL) COLUMNS';
      END IF;
    ELSIF t.has_pk > 0 THEN
      IF NOT has_log(t.table_name, 'PRIMARY KEY LOGGING') THEN
        EXECUTE IMMEDIATE 'ALTER TABLE "' || v_owner || '"."' || t.table_name || '" ADD SUPPLEMENTAL LOG DATA (PRIMARY KEY) COLUMNS';
      END IF;
    ELSE
      SELECT LISTAGG('"' || column_name || '"', ', ') WITHIN GROUP (ORDER BY column_position) INTO v_cols
        FROM dba_ind_columns WHERE index_owner = v_owner AND index_name = t.unique_index;
      IF NOT has_log(t.table_name, 'USER LOG GROUP') THEN
        EXECUTE IMMEDIATE 'ALTER TABLE "' || v_owner || '"."' || t.table_name || '" ADD SUPPLEMENTAL LOG GROUP DMS_LG_' || t.object_id || ' (' || v_cols || ') ALWAYS';
      END IF;
    END IF;
  END LOOP;
END;
/

SELECT table_name, log_group_type, always FROM dba_log_groups WHERE owner = UPPER('&&schema_name') ORDER BY table_name;
