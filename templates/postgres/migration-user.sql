-- The login DMS writes the target with (use it through PrivatePostgres appUser / useAppUserSecret: true).
-- Least privilege for a DMS Postgres target: connect, use and create in the target schema (DMS creates its
-- awsdms_* control tables there), and read/write/truncate the migrated tables (TRUNCATE_BEFORE_LOAD).
-- It does not own the tables: the application owner does, so dropping the migration user after cut-over
-- leaves the schema intact.
--
-- Run as the master user (rds_superuser) with psql variables; the password is never in this file:
--   psql "host=<endpoint> dbname=app user=<master> sslmode=verify-full" \
--        -v migration_user=dms_writer -v app_owner=app_owner -v target_schema=billing -f migration-user.sql
--   then, in the same psql session:  \password dms_writer   (and store it: aws secretsmanager put-secret-value ...)
-- With RDS IAM authentication or a PrivatePostgres appUser, the module already created the login and its secret:
-- skip the CREATE ROLE (it is guarded) and keep the grants.
\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I LOGIN', :'migration_user')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'migration_user') \gexec

-- Connection limit: DMS opens MaxFullLoadSubTasks (8) + a few apply connections per task.
ALTER ROLE :"migration_user" CONNECTION LIMIT 32;
-- Statements of a stuck load must not hold locks forever.
ALTER ROLE :"migration_user" SET statement_timeout = '2h';
ALTER ROLE :"migration_user" SET idle_in_transaction_session_timeout = '10min';

GRANT CONNECT ON DATABASE :"DBNAME" TO :"migration_user";
GRANT USAGE, CREATE ON SCHEMA :"target_schema" TO :"migration_user";
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA :"target_schema" TO :"migration_user";
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA :"target_schema" TO :"migration_user";
-- Tables the owner creates later (schema changes during the migration) are covered too.
ALTER DEFAULT PRIVILEGES FOR ROLE :"app_owner" IN SCHEMA :"target_schema"
  GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO :"migration_user";
ALTER DEFAULT PRIVILEGES FOR ROLE :"app_owner" IN SCHEMA :"target_schema"
  GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO :"migration_user";
