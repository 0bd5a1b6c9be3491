"""templates/glue/etl end to end: the real extract, transform and load scripts under PySpark local mode, a MariaDB
source, a PostgreSQL target, S3 and Secrets Manager on moto, and the plan and job arguments synthesized by the real
GlueEtlPipeline. The tests run in file order and share one set of engines (starting Spark is the slow part).
"""
import datetime as dt
import os
from decimal import Decimal

import pytest

from harness import JobFailed, Pipeline, Services

EVENT_ROWS = int(os.environ.get("KIT_GLUE_EVENT_ROWS", "12000"))
PAGE_SIZE = int(os.environ.get("KIT_GLUE_PAGE_SIZE", "2500"))  # several keyset pages for the events table

TABLES = [
    {
        "sourceTable": "shop.customers",
        "targetTable": "public.customer",
        "keyColumn": "id",
        "columns": [
            {"source": "id", "target": "customer_id", "type": "bigint"},
            {"source": "name", "type": "string"},
            {"source": "note", "type": "string"},
            {"source": "balance", "type": "decimal(38,10)"},
            {"source": "created_at", "type": "timestamp"},
            {"source": "birthday", "type": "date"},
            {"source": "active", "type": "boolean"},
        ],
        "exclude": ["password_hash"],
    },
    {
        "sourceTable": "shop.events",
        "targetTable": "public.event",
        "keyColumn": "id",
        "mode": "append",
        "columns": [
            {"source": "id", "target": "event_id", "type": "bigint"},
            {"source": "customer_id", "type": "bigint"},
            {"source": "kind", "type": "string"},
            {"source": "amount", "type": "decimal(38,4)"},
            {"source": "happened_at", "type": "timestamp"},
            {"source": "payload", "type": "string"},
        ],
    },
]

SCHEMA = """
CREATE DATABASE shop CHARACTER SET utf8mb4;
USE shop;
CREATE TABLE customers (
  id BIGINT NOT NULL PRIMARY KEY,
  name VARCHAR(100) NULL,
  note TEXT NULL,
  balance DECIMAL(38,10) NULL,
  created_at DATETIME(6) NULL,
  birthday DATE NULL,
  active TINYINT(1) NULL,
  password_hash VARCHAR(100) NULL
) CHARACTER SET utf8mb4;
CREATE TABLE events (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  kind VARCHAR(20) NOT NULL,
  amount DECIMAL(38,4) NOT NULL,
  happened_at DATETIME(3) NOT NULL,
  payload VARCHAR(200) NULL
) CHARACTER SET utf8mb4;
"""

# NULLs and empty strings; characters beyond the BMP (4-byte UTF-8); DECIMAL(38,10) at its extremes; DATETIME(6) with
# fractions; zero dates (allowed by this sql_mode) and a zero date-time; a date with a zero month and a date-time with
# a zero day (row 7), which Connector/J cannot read at all: the generated extract SQL reads them as NULL.
CUSTOMERS = """
INSERT INTO shop.customers VALUES
 (1, 'Ada', 'first', 1234567890123456789012345678.0123456789, '2024-02-29 23:59:59.999999', '1815-12-10', 1, 'x'),
 (2, '', '', 0.0000000001, '2000-01-01 00:00:00.000001', '2000-01-01', 0, 'y'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, '𝄞 music 😀 emoji 𠜎', 'Zürich — “quotes” \\\\ backslash, comma; tab\\tnew\\nline', -9999999999999999999999999999.9999999999, '1970-01-01 00:00:00.5', '0000-00-00', 1, 'z'),
 (5, 'zero-datetime', ' ', 1, '0000-00-00 00:00:00', '0000-00-00', 0, NULL),
 (7, 'zero month', 'zero day', 2, '2024-03-00 12:00:00', '2024-00-15', 1, NULL),
 (9223372036854775806, 'max key', 'near the top of BIGINT', 42.42, '2038-01-19 03:14:08.123456', '9999-12-31', 1, NULL);
"""


def seed_events(services, first, count):
    services.mysql_root(
        "INSERT INTO shop.events (customer_id, kind, amount, happened_at, payload) "
        f"SELECT seq % 5 + 1, ELT(seq % 3 + 1, 'view', 'buy', 'refund'), seq * 1.0001, "
        f"TIMESTAMP('2025-01-01') + INTERVAL seq SECOND + INTERVAL (seq % 1000) * 1000 MICROSECOND, "
        f"IF(seq % 7 = 0, NULL, IF(seq % 11 = 0, '', CONCAT('payload ', seq, ' 😀'))) "
        f"FROM seq_{first}_to_{first + count - 1}",
        database="shop",
    )




def expected_rows(services, table):
    """Source rows as the target should hold them, keyed by the target key."""
    columns = [c["source"] for c in table["columns"]]
    conn = services.mysql_connect("shop")
    try:
        with conn.cursor() as cur:
            cur.execute(f"SELECT {', '.join(columns)} FROM {table['sourceTable']} ORDER BY {table['keyColumn']}")
            rows = cur.fetchall()
    finally:
        conn.close()
    out = {}
    for row in rows:
        values = []
        for value, column in zip(row, table["columns"]):
            if column["type"] in ("date", "timestamp") and isinstance(value, str):
                value = None  # PyMySQL returns zero dates and zero-month/day dates as text; the pipeline loads them as NULL
            if column["type"] == "boolean" and value is not None:
                value = bool(value)
            values.append(value)
        out[values[0]] = tuple(values)
    return out


def target_rows(services, table, with_version=False):
    columns = [c.get("target", c["source"]) for c in table["columns"]]
    key = columns[0]
    select = ", ".join(columns) + (", xmin::text" if with_version else "")
    with services.pg_connect() as conn:
        rows = conn.execute(f"SELECT {select} FROM {table['targetTable']} ORDER BY {key}").fetchall()
    out = {}
    for row in rows:
        values = []
        for value in row:
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
            values.append(value)
        out[values[0]] = tuple(values)
    return out


def assert_target_matches_source(services, table):
    expected = expected_rows(services, table)
    actual = target_rows(services, table)
    assert len(actual) == len(expected), f"{table['targetTable']}: {len(actual)} rows, source has {len(expected)}"
    mismatches = [(k, expected[k], actual.get(k)) for k in expected if actual.get(k) != expected[k]]
    assert not mismatches[:5], f"{table['targetTable']}: {len(mismatches)} rows differ, first: {mismatches[:5]}"


@pytest.fixture(scope="module")
def env():
    services = Services().start()
    try:
        services.mysql_root(SCHEMA)
        services.mysql_root(CUSTOMERS)
        seed_events(services, 1, EVENT_ROWS)
        pipeline = Pipeline(services, TABLES, createTargetTables=True, pageSize=PAGE_SIZE, loadParallelism=2)
        yield services, pipeline
    finally:
        services.stop()


def test_plan_comes_from_the_module(env):
    _, pipeline = env
    customers = pipeline.plan["tables"][0]
    assert customers["extractSql"].startswith("SELECT `id`, `name`")
    assert "password_hash" not in customers["extractSql"]
    assert pipeline.jobs["extract"]["arguments"]["--page_size"] == str(PAGE_SIZE)


def test_first_run_copies_every_row(env):
    services, pipeline = env
    pipeline.run_all("run-1")
    for table in TABLES:
        assert_target_matches_source(services, table)
    s3 = services.boto("s3")
    manifest = s3.get_object(Bucket=pipeline.bucket, Key="runs/run-1/extract/shop.events/_manifest.json")["Body"].read()
    assert b'"pages": %d' % -(-EVENT_ROWS // PAGE_SIZE) in manifest  # several keyset pages


def test_rerun_changes_nothing(env):
    services, pipeline = env
    before = {t["targetTable"]: target_rows(services, t, with_version=True) for t in TABLES}
    pipeline.run_all("run-2")
    after = {t["targetTable"]: target_rows(services, t, with_version=True) for t in TABLES}
    # Same values and the same row versions (xmin): the upsert rewrote no row.
    assert after == before


def test_incremental_run_picks_up_only_the_changes(env):
    services, pipeline = env
    seed_events(services, EVENT_ROWS + 1, 7)
    services.mysql_root("UPDATE shop.customers SET balance = 7.5, name = 'Ada L.' WHERE id = 1;"
                        "INSERT INTO shop.customers (id, name) VALUES (6, '新しい 🚀');")
    before = {t["targetTable"]: target_rows(services, t, with_version=True) for t in TABLES}
    pipeline.run_all("run-3")
    s3 = services.boto("s3")
    manifest = s3.get_object(Bucket=pipeline.bucket, Key="runs/run-3/extract/shop.events/_manifest.json")["Body"].read()
    assert b'"rows": 7' in manifest  # append table: only keys above the watermark were read
    for table in TABLES:
        assert_target_matches_source(services, table)
    after = {t["targetTable"]: target_rows(services, t, with_version=True) for t in TABLES}
    changed = {name: sorted(k for k in after[name] if before[name].get(k) != after[name][k]) for name in after}
    assert changed["public.customer"] == [1, 6]
    # AUTO_INCREMENT may skip values after a bulk INSERT ... SELECT: the new keys are whatever is above the old maximum.
    new_keys = sorted(k for k in expected_rows(services, TABLES[1]) if k > max(before["public.event"]))
    assert len(new_keys) == 7
    assert changed["public.event"] == new_keys


def test_schema_drift_stops_the_job_naming_the_column(env):
    services, pipeline = env
    services.mysql_root("ALTER TABLE shop.customers ADD COLUMN loyalty_tier VARCHAR(10) NULL")
    try:
        with pytest.raises(JobFailed) as failed:
            pipeline.run_all("run-drift")
        assert failed.value.kind == "extract"
        assert "unexpected column(s) loyalty_tier" in failed.value.output
        assert "Nothing was extracted" in failed.value.output
    finally:
        services.mysql_root("ALTER TABLE shop.customers DROP COLUMN loyalty_tier")


def test_missing_mapped_column_stops_the_job_naming_it(env):
    services, pipeline = env
    services.mysql_root("ALTER TABLE shop.customers CHANGE COLUMN note remark TEXT NULL")
    try:
        with pytest.raises(JobFailed) as failed:
            pipeline.run_job_checked("extract", "run-drift-2")
        assert "mapped column(s) note not found" in failed.value.output
        assert "unexpected column(s) remark" in failed.value.output
    finally:
        services.mysql_root("ALTER TABLE shop.customers CHANGE COLUMN remark note TEXT NULL")
