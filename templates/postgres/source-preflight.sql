-- Preflight for a PostgreSQL DMS source (read-only; safe on production). Run on the source, as the DMS login or a
-- DBA, for the schemas the task selects:
--   psql "host=<source> dbname=dmv user=<login> sslmode=verify-full" -v schemas=dmv -f source-preflight.sql
-- (several schemas: -v schemas=dmv,audit)
\set ON_ERROR_STOP on

-- 1. Tables with neither a primary key nor a unique index. DMS cannot validate them (validation needs a primary
--    key or unique index: https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Validating.html#CHAP_Validating.Limitations)
--    and does not migrate their LOB columns (a table must have a primary key or unique key for DMS to migrate LOBs:
--    premigration assessment table-with-lob-but-without-primary-key-or-unique-constraint,
--    https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.AssessmentReport.Assessments.All.html).
--    Add a key on the source, or exclude the table from the task and copy it another way.
SELECT n.nspname AS schema_name,
       c.relname AS table_name,
       (SELECT count(*) FROM pg_attribute a
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
          AND (a.atttypid IN ('text'::regtype, 'bytea'::regtype, 'json'::regtype, 'jsonb'::regtype, 'xml'::regtype)
               OR (SELECT t.typcategory FROM pg_type t WHERE t.oid = a.atttypid) = 'A')) AS lob_columns
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND NOT c.relispartition
  AND n.nspname = ANY (string_to_array(:'schemas', ','))
  AND NOT EXISTS (SELECT 1 FROM pg_index i
                  WHERE i.indrelid = c.oid AND i.indisvalid
                    AND (i.indisprimary OR (i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL)))
ORDER BY 1, 2;

-- 2. LOB sizes: the largest value, in KiB, of every column DMS migrates as a LOB (text, bytea, json, jsonb, xml and
--    arrays become NCLOB/BLOB: DMS guide, PostgreSQL source data types). Limited LOB mode truncates larger values
--    with only a warning in the task log (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.LOBSupport.html):
--    keep full LOB mode (the module default for database targets), or set lob: { mode: 'limited', maxSizeKiB } above
--    the largest value. Kinesis and S3 targets support only limited LOB mode: there a PostgreSQL source sets
--    FailTasksOnLobTruncation, so a larger value fails the task instead of arriving cut. Reads every LOB column in
--    full: run it off-peak or on a replica.
SELECT string_agg(
         format('SELECT %L AS schema_name, %L AS table_name, %L AS column_name, %L AS type_name, '
                || 'ceil(max(octet_length(%s)) / 1024.0)::bigint AS largest_kib, '
                || 'count(*) FILTER (WHERE octet_length(%s) > 32768) AS rows_over_32_kib FROM %I.%I',
                n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                CASE WHEN a.atttypid = 'bytea'::regtype THEN quote_ident(a.attname) ELSE quote_ident(a.attname) || '::text' END,
                CASE WHEN a.atttypid = 'bytea'::regtype THEN quote_ident(a.attname) ELSE quote_ident(a.attname) || '::text' END,
                n.nspname, c.relname),
         ' UNION ALL ' ORDER BY n.nspname, c.relname, a.attnum)
       || ' ORDER BY largest_kib DESC NULLS LAST, schema_name, table_name, column_name'
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
WHERE c.relkind IN ('r', 'p')
  AND NOT c.relispartition
  AND n.nspname = ANY (string_to_array(:'schemas', ','))
  AND a.attnum > 0 AND NOT a.attisdropped
  AND (a.atttypid IN ('text'::regtype, 'bytea'::regtype, 'json'::regtype, 'jsonb'::regtype, 'xml'::regtype) OR t.typcategory = 'A') \gexec
