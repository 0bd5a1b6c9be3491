"""Rows/s of a Glue catalog read of one MySQL table, one JDBC query vs hashfield/hashpartitions, in one run.

The read goes through the awsglue test double's create_dynamic_frame.from_catalog (awsglue/context.py) exactly as
templates/glue/neptune/glue_source.read_table calls it, under spark-submit local[2] against the harness's MariaDB and
moto catalog. Usage (after install-glue.sh):
  GLUE_HOME=... nice -n 10 $GLUE_HOME/venv/bin/python test/glue-harness/bench_partitioned.py
  [KIT_GLUE_BENCH_ROWS=200000] [KIT_GLUE_BENCH_HASHPARTITIONS=4] [KIT_GLUE_BENCH_ROUNDS=2]
Figures only: nothing asserts on time. Not part of CI.
"""
import json
import os
import sys
import time

from harness import Services, spark_submit

ROWS = int(os.environ.get("KIT_GLUE_BENCH_ROWS", "200000"))
PARTITIONS = int(os.environ.get("KIT_GLUE_BENCH_HASHPARTITIONS", "4"))
ROUNDS = int(os.environ.get("KIT_GLUE_BENCH_ROUNDS", "2"))

DRIVER = r'''
import json, sys, time
from pyspark.context import SparkContext
from awsglue.context import GlueContext
glue_context = GlueContext(SparkContext.getOrCreate())
options = json.loads(sys.argv[1])
# Alternating rounds, so JVM warm-up and the page cache do not favour the read that runs second.
for label, extra in [("one query", {}), ("hashfield", options)] * int(sys.argv[2]):
    started = time.time()
    df = glue_context.create_dynamic_frame.from_catalog(database="bench", table_name="events", additional_options=extra).toDF()
    # A full pass over every column (as the graph jobs' mapPartitions do), not a count Spark could answer cheaply.
    rows = df.rdd.map(lambda r: len(r)).count()
    seconds = time.time() - started
    print("BENCH " + json.dumps({"read": label, "options": extra, "sparkPartitions": df.rdd.getNumPartitions(),
                                  "rows": rows, "seconds": round(seconds, 2), "rowsPerSecond": round(rows / seconds)}))
'''


def catalog_table(services, rows, nullable_payload=False):
    """shop.events with `rows` rows in MariaDB, catalogued as bench.events (moto) over a JDBC connection, as the
    crawler would; with nullable_payload, every 7th payload is NULL."""
    services.mysql_root(
        "CREATE DATABASE shop; CREATE TABLE shop.events (id BIGINT NOT NULL PRIMARY KEY, customer_id BIGINT NOT NULL, "
        "kind VARCHAR(20) NOT NULL, amount DECIMAL(38,4) NOT NULL, happened_at DATETIME(3) NOT NULL, payload VARCHAR(200) NULL);")
    payload = "IF(seq % 7 = 0, NULL, CONCAT('payload ', seq))" if nullable_payload else "CONCAT('payload ', seq)"
    services.mysql_root(
        "INSERT INTO shop.events SELECT seq, seq % 97, ELT(seq % 3 + 1, 'view', 'buy', 'refund'), seq * 1.0001, "
        f"TIMESTAMP('2025-01-01') + INTERVAL seq SECOND, {payload} FROM seq_1_to_{rows};", database="shop")
    secret = services.boto("secretsmanager").create_secret(
        Name="bench-source", SecretString=json.dumps({"username": "etl", "password": services.password}))["ARN"]
    glue = services.boto("glue")
    glue.create_connection(ConnectionInput={"Name": "bench", "ConnectionType": "JDBC", "ConnectionProperties": {
        "JDBC_CONNECTION_URL": f"jdbc:mysql://127.0.0.1:{services.mysql_port}/shop", "SECRET_ID": secret, "JDBC_ENFORCE_SSL": "true"}})
    glue.create_database(DatabaseInput={"Name": "bench"})
    columns = [{"Name": n, "Type": t} for n, t in (("id", "bigint"), ("customer_id", "bigint"), ("kind", "varchar"),
                                                    ("amount", "decimal"), ("happened_at", "datetime"), ("payload", "varchar"))]
    glue.create_table(DatabaseName="bench", TableInput={
        "Name": "events", "StorageDescriptor": {"Columns": columns, "Location": "shop.events"},
        "Parameters": {"classification": "mysql", "connectionName": "bench", "typeOfData": "table"}})


def main():
    services = Services(postgres=False).start()
    try:
        catalog_table(services, ROWS)
        script = services.dir / "bench_partitioned_driver.py"
        script.write_text(DRIVER)
        code, output, seconds = spark_submit(services, script, [json.dumps({"hashfield": "id", "hashpartitions": str(PARTITIONS)}), str(ROUNDS)],
                                             [], [], "bench_partitioned.log")
        if code != 0:
            sys.exit(output[-3000:])
        print(json.dumps({"rows": ROWS, "sparkMaster": "local[2]", "sparkSubmitSeconds": round(seconds, 1)}))
        for line in output.splitlines():
            if line.startswith("BENCH "):
                print(line[6:])
    finally:
        services.stop()


if __name__ == "__main__":
    main()
