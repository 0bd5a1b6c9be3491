#!/usr/bin/env bash
# Installs what the local Glue harness (test/glue-harness) needs to run templates/glue/etl for real, into a cache
# outside the repository keyed by version:
#
#   $KIT_TOOLCHAIN_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/aws-data-migration-kit/toolchain)
#     glue-pyspark-<version>/venv/     Python venv: pyspark (local mode on Java 17), boto3, moto[server], pytest
#     glue-pyspark-<version>/jars/     JDBC drivers and S3A (hadoop-aws + the AWS SDK bundle it was built with),
#                                      from Maven Central through `mvn dependency:copy`
#   MariaDB server (the MySQL-compatible source) and PostgreSQL server (the target): Debian packages, installed with
#   apt-get when missing. The harness runs throwaway instances of both on loopback ports with their own data folders;
#   the system services are never started.
#
# Idempotent: a step whose folder holds a `.complete` marker is not repeated. Prints progress and the seconds each step
# took. Usage: bash tools/toolchain/install-glue.sh [--print-dir]
set -euo pipefail

# Spark 4.0.x runs on Java 17 and is built against Hadoop 3.4.1; hadoop-aws must match that Hadoop exactly, and the
# AWS SDK bundle must be the one hadoop-aws 3.4.1 was built and tested with.
PYSPARK_VERSION=4.0.1
HADOOP_VERSION=3.4.1
AWS_SDK_BUNDLE_VERSION=2.24.6
BOTO3_VERSION=1.44.8
MOTO_VERSION=5.2.5
PYTEST_VERSION=8.3.4
# The tests read both databases directly to compare them row by row.
PYMYSQL_VERSION=1.1.1
PSYCOPG_VERSION=3.2.3
# The driver etl_common.JDBC_DRIVERS names for `mysql` (com.mysql.cj.jdbc.Driver), and the PostgreSQL driver.
MYSQL_CONNECTOR_VERSION=8.4.0
POSTGRES_JDBC_VERSION=42.7.4

cache="${KIT_TOOLCHAIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/aws-data-migration-kit/toolchain}"
home="$cache/glue-pyspark-$PYSPARK_VERSION"
if [ "${1:-}" = "--print-dir" ]; then echo "$home"; exit 0; fi
mkdir -p "$home"

log() { printf '[toolchain-glue %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
elapsed() { echo $(( $(date +%s) - $1 )); }
need() { command -v "$1" >/dev/null 2>&1 || { log "missing $1: $2"; exit 1; }; }
started=$(date +%s)
need python3 "install Python 3.10 or newer"
need java "install a Java 17 runtime (Spark 4 needs Java 17 or newer)"
need mvn "install Maven (the JDBC drivers and S3A come from Maven Central)"
java_major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
if [ "${java_major:-0}" -lt 17 ]; then log "java is version ${java_major:-unknown}; Spark $PYSPARK_VERSION needs 17 or newer"; exit 1; fi

# 1. Python venv
t=$(date +%s)
venv="$home/venv"
packages="pyspark==$PYSPARK_VERSION boto3==$BOTO3_VERSION moto[server]==$MOTO_VERSION pytest==$PYTEST_VERSION PyMySQL==$PYMYSQL_VERSION psycopg[binary]==$PSYCOPG_VERSION"
if [ -f "$venv/.complete" ] && [ "$(cat "$venv/.complete")" = "$packages" ]; then
  log "venv (pyspark $PYSPARK_VERSION, boto3, moto, pytest, PyMySQL, psycopg): cached ($venv)"
else
  log "venv: installing $packages (cold: ~2 min, pyspark is ~430 MB)..."
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
  # shellcheck disable=SC2086 # one argument per package
  "$venv/bin/pip" install --quiet --disable-pip-version-check $packages
  echo "$packages" > "$venv/.complete"
  log "venv: done in $(elapsed "$t") s"
fi

# 2. Jars from Maven Central
t=$(date +%s)
jars="$home/jars"
if [ -f "$jars/.complete" ]; then
  log "jars (JDBC drivers, hadoop-aws $HADOOP_VERSION): cached ($jars)"
else
  spark_hadoop=$(ls "$venv"/lib/python3*/site-packages/pyspark/jars/ | sed -n 's/^hadoop-client-api-\(.*\)\.jar$/\1/p')
  if [ "$spark_hadoop" != "$HADOOP_VERSION" ]; then
    log "pyspark $PYSPARK_VERSION bundles Hadoop ${spark_hadoop:-unknown}, but HADOOP_VERSION is $HADOOP_VERSION: hadoop-aws must match"
    exit 1
  fi
  log "jars: fetching from Maven Central (cold: ~1 min, the AWS SDK bundle is ~500 MB)..."
  rm -rf "$jars.partial"
  mkdir -p "$jars.partial"
  for artifact in \
    "com.mysql:mysql-connector-j:$MYSQL_CONNECTOR_VERSION" \
    "org.postgresql:postgresql:$POSTGRES_JDBC_VERSION" \
    "org.apache.hadoop:hadoop-aws:$HADOOP_VERSION" \
    "software.amazon.awssdk:bundle:$AWS_SDK_BUNDLE_VERSION"; do
    log "  $artifact"
    mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="$artifact" -DoutputDirectory="$jars.partial"
  done
  rm -rf "$jars"
  mv "$jars.partial" "$jars"
  touch "$jars/.complete"
  log "jars: done in $(elapsed "$t") s"
fi

# 3. Database servers (Debian packages; binaries only, the harness starts private instances)
t=$(date +%s)
if command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; then
  log "MariaDB server: installed ($(/usr/sbin/mariadbd --version 2>/dev/null | head -1))"
else
  log "MariaDB server: apt-get install mariadb-server..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server >/dev/null
  log "MariaDB server: done in $(elapsed "$t") s"
fi
t=$(date +%s)
if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  log "PostgreSQL server: installed ($(ls -d /usr/lib/postgresql/*/bin/postgres | head -1))"
else
  log "PostgreSQL server: apt-get install postgresql..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  log "PostgreSQL server: done in $(elapsed "$t") s"
fi
need openssl "install openssl (the harness makes a throwaway TLS certificate: the scripts require TLS)"

log "ready in $(elapsed "$started") s: $home"
