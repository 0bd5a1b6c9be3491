#!/usr/bin/env bash
# Runs target-user.sql against a throwaway local MariaDB (with TLS) and checks that the login it creates
#  - is refused without TLS (REQUIRE SSL) and while locked,
#  - can do over TLS what a DMS MySQL target login does: create awsdms_control and its tables, create, alter, index,
#    load, update, delete, truncate and drop tables in the target database, create temporary tables,
#  - cannot create another database.
# MariaDB is a real MySQL-compatible engine; it is not Aurora MySQL or RDS (no rds_* procedures, no IAM auth).
# Usage: bash templates/mysql/check-target-user.sh   (needs mariadbd, mariadb-install-db, mariadb, openssl)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
pid=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT

mariadb-install-db --datadir="$work/data" --user="$(id -un)" --auth-root-authentication-method=normal >"$work/install.log" 2>&1
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 1 -subj "/CN=localhost" 2>/dev/null
mariadbd --datadir="$work/data" --socket="$work/sock" --bind-address=127.0.0.1 --port="$port" \
  --ssl-cert="$work/cert.pem" --ssl-key="$work/key.pem" --user="$(id -un)" --pid-file="$work/pid" >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 50); do [ -S "$work/sock" ] && break; sleep 0.2; done
root=(mariadb --socket="$work/sock" -u root)
# The anonymous accounts mariadb-install-db makes would shadow 'dms_writer'@'%' for local logins.
"${root[@]}" -e "DELETE FROM mysql.global_priv WHERE User=''; FLUSH PRIVILEGES; CREATE DATABASE retail;"
grants="$("${root[@]}" -N < "$here/target-user.sql")"
echo "$grants"
grep -q 'GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, CREATE TEMPORARY TABLES ON `retail`.\* TO `dms_writer`@`%`' <<<"$grants"
grep -q 'GRANT ALL PRIVILEGES ON `awsdms_control`.\* TO `dms_writer`@`%`' <<<"$grants"
grep -q 'REQUIRE SSL' <<<"$grants"

password="local-check-$RANDOM$RANDOM"
login=(mariadb -h 127.0.0.1 -P "$port" -u dms_writer "-p$password")
fails() { if "$@" >/dev/null 2>&1; then echo "FAIL: a statement that must be refused ran (line $BASH_LINENO)"; exit 1; fi; }
fails "${login[@]}" --ssl --ssl-verify-server-cert=0 -e 'SELECT 1'     # locked, and no password yet
"${root[@]}" -e "ALTER USER 'dms_writer'@'%' IDENTIFIED BY '$password' ACCOUNT UNLOCK"
fails "${login[@]}" --skip-ssl -e 'SELECT 1'                            # clear text
"${login[@]}" --ssl --ssl-verify-server-cert=0 -e "
  CREATE DATABASE IF NOT EXISTS awsdms_control;
  CREATE TABLE awsdms_control.awsdms_apply_exceptions (TASK_NAME varchar(128) NOT NULL, ERROR longtext);
  INSERT INTO awsdms_control.awsdms_apply_exceptions VALUES ('task', 'error');
  SET FOREIGN_KEY_CHECKS=0;
  CREATE TABLE retail.orders (id bigint PRIMARY KEY, note text);
  CREATE INDEX orders_note ON retail.orders (note(10));
  ALTER TABLE retail.orders ADD COLUMN total decimal(10,2);
  INSERT INTO retail.orders VALUES (1, 'a', 2.50);
  UPDATE retail.orders SET total = 3 WHERE id = 1;
  DELETE FROM retail.orders WHERE id = 1;
  CREATE TEMPORARY TABLE retail.load_buffer (id bigint);
  TRUNCATE TABLE retail.orders;
  DROP TABLE retail.orders;"
fails "${login[@]}" --ssl --ssl-verify-server-cert=0 -e 'CREATE DATABASE other'
echo "target-user.sql: grants parse on $("${root[@]}" -N -e 'SELECT VERSION()'); the login works over TLS only, within its grants"
