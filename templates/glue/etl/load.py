"""Load: upserts each transformed table into the target, set-based and idempotent.

Per table: drop any staging table left by an earlier attempt of this run, create the staging table LIKE the target,
bulk-append the rows into it with Spark JDBC (batched inserts, bounded parallelism), then run ONE upsert statement
(`INSERT ... ON CONFLICT DO UPDATE` / `ON DUPLICATE KEY UPDATE`) in a transaction and drop the staging table.
A failure before the commit leaves the target untouched; running the load again gives the same target rows.
For `append` tables the watermark (last extracted key) is written only after that table's upsert committed.
A table's aggregate tables are loaded the same way right after it. Once every table is loaded, the plan's post-load
statements (idempotent forms only, checked at synth) run in the target in one transaction.
"""
import sys
import time

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

import etl_common as etl

ARGS = getResolvedOptions(
    sys.argv,
    ["JOB_NAME", "plan_uri", "data_bucket", "run_id", "target_jdbc_url", "target_secret_arn", "batch_size", "write_parallelism"],
)

sc = SparkContext.getOrCreate()
glue_context = GlueContext(sc)
spark = glue_context.spark_session
logger = glue_context.get_logger()
job = Job(glue_context)
job.init(ARGS["JOB_NAME"], ARGS)


def connect(url, props):
    """A JDBC connection in the driver (through the JVM), autocommit off."""
    jvm = sc._gateway.jvm
    info = jvm.java.util.Properties()
    for key, value in props.items():
        info.setProperty(key, value)
    jvm.java.lang.Class.forName(props["driver"])
    connection = jvm.java.sql.DriverManager.getConnection(url, info)
    connection.setAutoCommit(False)
    return connection


def execute(connection, sql):
    statement = connection.createStatement()
    try:
        return statement.executeUpdate(sql)
    finally:
        statement.close()


def create_target(spec, url, props):
    """CREATE TABLE IF NOT EXISTS for a table or aggregate, when the pipeline creates target tables."""
    if not spec.get("createTargetSql"):
        return
    connection = connect(url, props)
    try:
        execute(connection, spec["createTargetSql"])  # IF NOT EXISTS: an existing table is left as it is
        connection.commit()
    finally:
        connection.close()


def upsert_rows(spec, data_uri, url, props, run_id, batch_size, parallelism):
    """Staging table, bulk append, one upsert in a transaction, drop: for a table or an aggregate table."""
    stage = etl.stage_name(spec, run_id)
    connection = connect(url, props)
    try:
        execute(connection, etl.fill(spec["dropStageSql"], stage=stage))
        execute(connection, etl.fill(spec["createStageSql"], stage=stage))
        connection.commit()
        frame = spark.read.parquet(data_uri)
        (
            frame.coalesce(parallelism)
            .write.mode("append")
            .option("batchsize", str(batch_size))
            .option("isolationLevel", "READ_COMMITTED")
            .jdbc(url=url, table=stage, properties=props)
        )
        affected = execute(connection, etl.fill(spec["upsertSql"], stage=stage))
        connection.commit()
        execute(connection, etl.fill(spec["dropStageSql"], stage=stage))
        connection.commit()
        return affected
    except Exception:
        connection.rollback()
        etl.log(logger, "load failed; target transaction rolled back", table=spec["targetTable"], stage=stage)
        try:
            execute(connection, etl.fill(spec["dropStageSql"], stage=stage))
            connection.commit()
        except Exception as cleanup:  # the next attempt of this run drops it anyway
            etl.log(logger, "staging table left for the next attempt", table=spec["targetTable"], stage=stage,
                    error=type(cleanup).__name__)
        raise
    finally:
        connection.close()


def load_table(table, url, props, bucket, run_id, batch_size, parallelism):
    prefix = etl.run_prefix("transform", run_id, table)
    manifest = etl.read_json(f"s3://{bucket}/{prefix}_manifest.json")
    aggregates = table.get("aggregates", [])
    for spec in [table, *aggregates]:
        create_target(spec, url, props)
    if manifest["rows"] == 0:
        etl.log(logger, "table empty, target untouched", table=table["targetTable"])
        return
    started = time.time()
    affected = upsert_rows(table, f"s3://{bucket}/{prefix}data/", url, props, run_id, batch_size, parallelism)
    etl.log(logger, "table loaded", table=table["targetTable"], rows=manifest["rows"], rowsChanged=affected,
            seconds=round(time.time() - started, 1))
    for aggregate in aggregates:
        agg_prefix = etl.aggregate_prefix(run_id, table, aggregate)
        rows = etl.read_json(f"s3://{bucket}/{agg_prefix}_manifest.json")["rows"]
        if rows == 0:
            etl.log(logger, "aggregate empty, target untouched", table=aggregate["targetTable"])
            continue
        changed = upsert_rows(aggregate, f"s3://{bucket}/{agg_prefix}data/", url, props, run_id, batch_size, parallelism)
        etl.log(logger, "aggregate loaded", table=aggregate["targetTable"], rows=rows, rowsChanged=changed)
    commit_watermark(table, bucket, run_id)


def run_post_load(statements, url, props):
    """The plan's post-load statements, in order, in one transaction (Postgres DDL is transactional)."""
    if not statements:
        return
    connection = connect(url, props)
    try:
        for sql in statements:
            execute(connection, sql)
        connection.commit()
    except Exception:
        connection.rollback()
        etl.log(logger, "post-load SQL failed; its transaction rolled back (the loaded tables stay committed)",
                statements=len(statements))
        raise
    finally:
        connection.close()
    etl.log(logger, "post-load SQL ran", statements=len(statements))


def commit_watermark(table, bucket, run_id):
    """Append tables: move the watermark to the last key this run extracted, now that its rows are committed."""
    if table["mode"] != "append":
        return
    extracted = etl.read_json(f"s3://{bucket}/{etl.run_prefix('extract', run_id, table)}_manifest.json")
    state = etl.read_json_if_exists(bucket, table["watermarkKey"])
    advanced = etl.advanced_watermark(table, state, extracted.get("lastKey"), run_id)
    if advanced:
        etl.write_json(bucket, table["watermarkKey"], advanced)
        etl.log(logger, "watermark advanced", table=table["sourceTable"], lastKey=advanced["lastKey"])


def main():
    run_id = etl.check_run_id(ARGS["run_id"])
    plan = etl.load_plan(ARGS["plan_uri"])
    username, password = etl.credentials(ARGS["target_secret_arn"])
    props = etl.jdbc_properties(plan["targetEngine"], username, password)
    for table in plan["tables"]:
        load_table(table, ARGS["target_jdbc_url"], props, ARGS["data_bucket"], run_id,
                   int(ARGS["batch_size"]), int(ARGS["write_parallelism"]))
    run_post_load(plan.get("postLoadSql", []), ARGS["target_jdbc_url"], props)
    job.commit()


main()
