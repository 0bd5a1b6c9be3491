-- The target schema, created BEFORE the first DMS run so DMS never has to create tables itself
-- (TargetTablePrepMode TRUNCATE_BEFORE_LOAD keeps your types, keys, indexes and grants; DROP_AND_CREATE
-- would replace them with DMS's guesses and is refused by the module unless opted in).
--
--   psql "host=<endpoint> dbname=app user=<master> sslmode=verify-full" \
--        -v app_owner=app_owner -v target_schema=billing -f target-schema.sql
-- Then create the tables (your DDL, converted from SQL Server: e.g. AWS SCT or by hand), with the rules below.
\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I NOLOGIN', :'app_owner')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_owner') \gexec

CREATE SCHEMA IF NOT EXISTS :"target_schema" AUTHORIZATION :"app_owner";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- Rules for the tables you create in this schema:
--  1. Every table gets a primary key (define-primary-key in the mappings can declare one for DMS, but the target
--     needs it too): DMS validation and CDC apply compare and update rows by key.
--  2. Names in lower case (TableMappings.lowercase() converts SQL Server names to match).
--  3. SQL Server types: datetime2 -> timestamp(6), datetimeoffset -> timestamptz, bit -> boolean,
--     uniqueidentifier -> uuid, nvarchar(max) -> text, varbinary(max) -> bytea, money -> numeric(19,4).
--  4. Create secondary indexes and foreign keys after the full load when the tables are large (faster load),
--     or keep them and let DMS load in parallel with replicaSessionRole: true.
