"""Load: upserts each transformed table into the target, set-based and idempotent.

Per table: drop any staging table left by an earlier attempt of this run, create the staging table LIKE the target,
bulk-append the rows into it with Spark JDBC (batched inserts, bounded parallelism), then run ONE upsert statement
(`INSERT ... ON CONFLICT DO UPDATE` / `ON DUPLICATE KEY UPDATE`) in a transaction and drop the staging table.
A failure before the commit leaves the target untouched; running the load again gives the same target rows.
For `append` tables the watermark (last extracted key) is written only after that table's upsert committed.
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


def load_table(table, url, props, bucket, run_id, batch_size, parallelism):
    prefix = etl.run_prefix("transform", run_id, table)
    manifest = etl.read_json(f"s3://{bucket}/{prefix}_manifest.json")
    if table.get("createTargetSql"):
        connection = connect(url, props)
        try:
            execute(connection, table["createTargetSql"])  # IF NOT EXISTS: an existing table is left as it is
            connection.commit()
        finally:
            connection.close()
    if manifest["rows"] == 0:
        etl.log(logger, "table empty, target untouched", table=table["targetTable"])
        return
    stage = etl.stage_name(table, run_id)
    started = time.time()
    connection = connect(url, props)
    try:
        execute(connection, etl.fill(table["dropStageSql"], stage=stage))
        execute(connection, etl.fill(table["createStageSql"], stage=stage))
        connection.commit()
        frame = spark.read.parquet(f"s3://{bucket}/{prefix}data/")
        (
            frame.coalesce(parallelism)
            .write.mode("append")
            .option("batchsize", str(batch_size))
            .option("isolationLevel", "READ_COMMITTED")
            .jdbc(url=url, table=stage, properties=props)
        )
        affected = execute(connection, etl.fill(table["upsertSql"], stage=stage))
        connection.commit()
        execute(connection, etl.fill(table["dropStageSql"], stage=stage))
        connection.commit()
    except Exception:
        connection.rollback()
        etl.log(logger, "load failed; target transaction rolled back", table=table["targetTable"], stage=stage)
        try:
            execute(connection, etl.fill(table["dropStageSql"], stage=stage))
            connection.commit()
        except Exception as cleanup:  # the next attempt of this run drops it anyway
            etl.log(logger, "staging table left for the next attempt", table=table["targetTable"], stage=stage,
                    error=type(cleanup).__name__)
        raise
    finally:
        connection.close()
    etl.log(logger, "table loaded", table=table["targetTable"], rows=manifest["rows"], rowsChanged=affected,
            seconds=round(time.time() - started, 1))
    commit_watermark(table, bucket, run_id)


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
    job.commit()


main()
