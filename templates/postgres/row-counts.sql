-- Row counts per table, to check a load DMS cannot validate. DMS data validation works only with Oracle, PostgreSQL,
-- MySQL, SQL Server and Db2 LUW sources (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Validating.html), so a
-- full load from an S3 export (modules/stream-to-postgres fullLoad, stacks/ledger-replica) runs without validation.
-- Count both sides and compare: every table must match.
--   1. Source, in the export's snapshot: run it in the same REPEATABLE READ transaction as the export (psql -1 with the
--      export statements, or SET TRANSACTION SNAPSHOT to the exporter's snapshot), with the source table names:
--        psql "host=<source> dbname=dmv ..." -v tables=dmv.person,dmv.vehicle -f row-counts.sql > source-counts.txt
--   2. Target, after the full-load task finished and BEFORE the CDC task starts (the stream changes the tables), with
--      the target table names (the stack output row_count_tables):
--        psql "host=<target> dbname=ledger ..." -v tables=dmv.person,dmv.vehicle -f row-counts.sql > target-counts.txt
--   3. diff source-counts.txt target-counts.txt: no output means every table has the exported number of rows. The
--      DMS task's table statistics (aws dms describe-table-statistics: FullLoadRows) should show the same numbers.
-- Names are schema.table, case as created (dmv.Person stays Person); a table that does not exist is an error.
\set ON_ERROR_STOP on

-- Sorted with COLLATE "C": the same order on every server, for the diff.
SELECT 'SELECT table_name, row_count FROM ('
       || string_agg(
            format('SELECT %L AS table_name, count(*) AS row_count FROM %s',
                   btrim(t), format('%I.%I', split_part(btrim(t), '.', 1), split_part(btrim(t), '.', 2))::regclass),
            ' UNION ALL ')
       || ') AS counts ORDER BY table_name COLLATE "C"'
FROM unnest(string_to_array(:'tables', ',')) AS t
WHERE btrim(t) <> '' \gexec
