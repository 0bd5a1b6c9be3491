-- Cut-over on the Postgres target, after the DMS task shows CDC latency ~0, validation has no mismatches,
-- and the applications writing to the source are stopped. Run as the master user:
--   psql "host=<endpoint> dbname=app user=<master> sslmode=verify-full" \
--        -v migration_user=dms_writer -v target_schema=billing -f cutover.sql
-- 1) DMS does not migrate sequence positions: move every sequence past the highest value in its column,
--    or the first insert by the application fails with a duplicate key.
-- 2) Drop the DMS control tables from the target schema.
-- 3) Take writes away from the migration user.
\set ON_ERROR_STOP on

SELECT format(
         'SELECT setval(%L, COALESCE((SELECT max(%I) FROM %I.%I), 0) + 1, false)',
         pg_get_serial_sequence(format('%I.%I', c.table_schema, c.table_name), c.column_name),
         c.column_name, c.table_schema, c.table_name)
FROM information_schema.columns c
WHERE c.table_schema = :'target_schema'
  AND pg_get_serial_sequence(format('%I.%I', c.table_schema, c.table_name), c.column_name) IS NOT NULL \gexec

SELECT format('DROP TABLE IF EXISTS %I.%I', schemaname, tablename)
FROM pg_tables
WHERE schemaname = :'target_schema' AND tablename LIKE 'awsdms\_%' \gexec

REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA :"target_schema" FROM :"migration_user";
REVOKE CREATE ON SCHEMA :"target_schema" FROM :"migration_user";
