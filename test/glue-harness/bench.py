"""Measures the local ETL (templates/glue/etl under the harness) beside a `psql \\copy` of the same rows.

Prints where the time goes: engines start, synth, each job's wall time, the time from the extract's start to the
first row read and to the first row committed in the target, and rows/s. Usage (after install-glue.sh):
  GLUE_HOME=... $GLUE_HOME/venv/bin/python test/glue-harness/bench.py   [KIT_GLUE_BENCH_ROWS=200000]
Figures only: nothing here asserts on time.
"""
import datetime as dt
import json
import os
import re
import subprocess
import time

from harness import Pipeline, Services

ROWS = int(os.environ.get("KIT_GLUE_BENCH_ROWS", "200000"))
PAGE_SIZE = int(os.environ.get("KIT_GLUE_BENCH_PAGE_SIZE", "50000"))
TABLE = {
    "sourceTable": "shop.events",
    "targetTable": "public.event",
    "keyColumn": "id",
    "columns": [
        {"source": "id", "target": "event_id", "type": "bigint"},
        {"source": "customer_id", "type": "bigint"},
        {"source": "kind", "type": "string"},
        {"source": "amount", "type": "decimal(38,4)"},
        {"source": "happened_at", "type": "timestamp"},
        {"source": "payload", "type": "string"},
    ],
}
LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) INFO (\{.*\})$", re.M)


def log_events(path):
    """(epoch seconds, message dict) of each structured line a job logged."""
    out = []
    for stamp, body in LOG_TIME.findall(path.read_text()):
        when = dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").replace(tzinfo=dt.timezone.utc).timestamp()
        out.append((when, json.loads(body)))
    return out


def main():
    cold = time.time()
    services = Services().start()
    try:
        services.mysql_root(
            "CREATE DATABASE shop CHARACTER SET utf8mb4; CREATE TABLE shop.events (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
            "customer_id BIGINT NOT NULL, kind VARCHAR(20) NOT NULL, amount DECIMAL(38,4) NOT NULL, happened_at DATETIME(3) NOT NULL, "
            "payload VARCHAR(200) NULL) CHARACTER SET utf8mb4;")
        t = time.time()
        services.mysql_root(
            "INSERT INTO shop.events (customer_id, kind, amount, happened_at, payload) SELECT seq % 97, ELT(seq % 3 + 1, 'view', 'buy', 'refund'), "
            f"seq * 1.0001, TIMESTAMP('2025-01-01') + INTERVAL seq SECOND, CONCAT('payload ', seq, ' 😀') FROM seq_1_to_{ROWS}",
            database="shop")
        seed_seconds = time.time() - t
        t = time.time()
        pipeline = Pipeline(services, [TABLE], createTargetTables=True, pageSize=PAGE_SIZE, loadParallelism=2)
        synth_seconds = time.time() - t
        run_started = time.time()
        timings = pipeline.run_all("bench-1")
        extract_events = log_events(services.dir / "job-extract-bench-1.log")
        load_events = log_events(services.dir / "job-load-bench-1.log")
        first_read = next(w for w, m in extract_events if m["message"] == "page extracted")
        first_loaded = next(w for w, m in load_events if m["message"] == "table loaded")

        # The same rows with psql \copy: out of the target into CSV, then into an empty table of the same shape.
        csv = services.dir / "rows.csv"
        env = {**os.environ, **services.pg_env()}
        subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-qc", f"\\copy public.event TO '{csv}' CSV"], env=env, check=True)
        subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-qc", "CREATE TABLE public.event_copy (LIKE public.event INCLUDING ALL)"],
                       env=env, check=True)
        t = time.time()
        subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-qc", f"\\copy public.event_copy FROM '{csv}' CSV"], env=env, check=True)
        copy_seconds = time.time() - t
        with services.pg_connect() as conn:
            loaded = conn.execute("SELECT count(*) FROM public.event").fetchone()[0]
            copied = conn.execute("SELECT count(*) FROM public.event_copy").fetchone()[0]
        assert loaded == copied == ROWS, (loaded, copied, ROWS)
        etl_seconds = sum(timings.values())
        stages = {
            "extract": [m.get("seconds") for _, m in extract_events if m["message"] == "table extracted"],
            "transform": [m.get("seconds") for _, m in log_events(services.dir / "job-transform-bench-1.log") if m["message"] == "table transformed"],
            "load": [m.get("seconds") for _, m in load_events if m["message"] == "table loaded"],
        }
        result = {
            "rows": ROWS,
            "pageSize": PAGE_SIZE,
            "enginesStartSeconds": services.timings["servicesSeconds"],
            "seedSeconds": round(seed_seconds, 1),
            "synthSeconds": round(synth_seconds, 1),
            "jobSeconds": timings,
            "etlSeconds": round(etl_seconds, 1),
            "etlRowsPerSecond": round(ROWS / etl_seconds),
            "extractStartToFirstRowReadSeconds": round(first_read - run_started, 1),
            "coldStartToFirstRowReadSeconds": round(first_read - cold, 1),
            "extractStartToFirstRowCommittedSeconds": round(first_loaded - run_started, 1),
            "tableSeconds": stages,
            # Job wall time outside the per-table work: JVM and Spark start, plan/secret reads, Spark shutdown.
            "startAndStopSeconds": {k: round(timings[k] - sum(stages[k]), 1) for k in timings},
            "psqlCopySeconds": round(copy_seconds, 2),
            "psqlCopyRowsPerSecond": round(ROWS / copy_seconds),
        }
        print(json.dumps(result, indent=2))
    finally:
        services.stop()


if __name__ == "__main__":
    main()
