-- Bootstrap for the S3 -> Postgres pipeline (modules/s3-to-postgres-pipeline). Idempotent: safe to re-run.
--
-- You do NOT need this file when the loader logs in as the RDS master user: the loader creates the ledger on its
-- first run, and for the server-side strategy the database module's bootstrap creates the aws_s3 extension.
-- Run it (as the master user, e.g. psql "host=... dbname=... sslmode=verify-full" -f s3-import.sql) when the loader
-- logs in as a less privileged user, replacing :loader_user with that user:
--   psql ... -v loader_user=loader -f templates/postgres/s3-import.sql
-- It stops at the first error: grants after a failed CREATE EXTENSION would only fail in turn.
\set ON_ERROR_STOP on

-- 1. Server-side strategy only: aws_s3.table_import_from_s3 (needs rds_superuser; CASCADE adds aws_commons).
--    The IAM role with feature name s3Import is associated by the database module (enableS3Import).
CREATE EXTENSION IF NOT EXISTS aws_s3 CASCADE;
GRANT USAGE ON SCHEMA aws_s3, aws_commons TO :"loader_user";
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA aws_s3, aws_commons TO :"loader_user";

-- 2. The load ledger: one row per loaded object, keyed by (bucket, key, version or ETag). The loader's own DDL is
--    the same text, quoted identifiers included (lambdas/s3-to-postgres/ledger.ts); keep them in step.
CREATE SCHEMA IF NOT EXISTS "migration_kit";
CREATE TABLE IF NOT EXISTS "migration_kit"."s3_load_ledger" (
  bucket        text        NOT NULL,
  object_key    text        NOT NULL,
  object_id     text        NOT NULL,   -- 'version:<versionId>' or 'etag:<ETag>'
  version_id    text,
  etag          text        NOT NULL,
  target_table  text        NOT NULL,
  load_mode     text        NOT NULL,
  row_count     bigint      NOT NULL,
  byte_count    bigint,
  loaded_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bucket, object_key, object_id)
);
GRANT USAGE ON SCHEMA migration_kit TO :"loader_user";
GRANT SELECT, INSERT ON migration_kit.s3_load_ledger TO :"loader_user";

-- 3. Each target table: the loader needs INSERT, and TRUNCATE for replace routes; upsert routes need SELECT, INSERT
--    and UPDATE (INSERT ... ON CONFLICT DO UPDATE reads and updates the target), DELETE with a deleteMarker, and
--    TEMPORARY on the database for the staging table (PUBLIC holds it unless revoked; DBNAME is psql's own variable), e.g.
--    GRANT INSERT, TRUNCATE ON public.people TO :"loader_user";
--    GRANT INSERT ON public.events TO :"loader_user";
--    GRANT SELECT, INSERT, UPDATE, DELETE ON crm.customers TO :"loader_user";
--    GRANT TEMPORARY ON DATABASE :"DBNAME" TO :"loader_user";
