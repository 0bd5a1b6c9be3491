-- The login DMS writes a MySQL / MariaDB / Aurora MySQL target with (MySqlTargetEndpoint).
-- Grants as the DMS User Guide lists them, "Using a MySQL-compatible database as a target for AWS Database Migration
-- Service" (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.MySQL.html#CHAP_Target.MySQL.Prerequisites)
-- and the Aurora MySQL step-by-step guide (https://docs.aws.amazon.com/dms/latest/sbs/chap-sqlserver2aurora.steps.configureaurora.html):
--   ALTER, CREATE, CREATE TEMPORARY TABLES, DROP, INDEX, INSERT, UPDATE, DELETE, SELECT on the target database, and
--   ALL PRIVILEGES on awsdms_control, the database where DMS keeps its control tables on MySQL targets
--   (awsdms_apply_exceptions, awsdms_validation_failures_v1, ...).
-- With targetDbType 'multiple-databases', run the target-database grant once per source schema (each becomes a database).
--
-- Run as the master user, over TLS, with the names set in the first two lines (no password in this file):
--   mysql --ssl-mode=VERIFY_IDENTITY -h <endpoint> -u <master> -p < target-user.sql
-- The login is created LOCKED. Then, at the prompt, give it the password you store in its Secrets Manager secret
-- (JSON username, password, host, port: DMS reads all four) and unlock it:
--   ALTER USER 'dms_writer'@'%' IDENTIFIED BY '<password>' ACCOUNT UNLOCK;
SET @dms_user = 'dms_writer';
SET @target_db = 'retail';

-- REQUIRE SSL: the endpoint connects with ssl_mode require or verify-full; a clear-text login is refused by the server too.
SET @sql = CONCAT('CREATE USER IF NOT EXISTS ', QUOTE(@dms_user), '@''%'' REQUIRE SSL ACCOUNT LOCK');
PREPARE s FROM @sql; EXECUTE s; DEALLOCATE PREPARE s;

SET @sql = CONCAT('GRANT ALTER, CREATE, CREATE TEMPORARY TABLES, DROP, INDEX, INSERT, UPDATE, DELETE, SELECT ON `',
  REPLACE(@target_db, '`', '``'), '`.* TO ', QUOTE(@dms_user), '@''%''');
PREPARE s FROM @sql; EXECUTE s; DEALLOCATE PREPARE s;

SET @sql = CONCAT('GRANT ALL PRIVILEGES ON `awsdms_control`.* TO ', QUOTE(@dms_user), '@''%''');
PREPARE s FROM @sql; EXECUTE s; DEALLOCATE PREPARE s;

-- What the login may do, for the change record.
SET @sql = CONCAT('SHOW GRANTS FOR ', QUOTE(@dms_user), '@''%''');
PREPARE s FROM @sql; EXECUTE s; DEALLOCATE PREPARE s;
