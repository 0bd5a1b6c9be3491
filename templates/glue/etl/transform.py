"""Transform: applies the declared column mapping to each extracted table (rename, cast; excluded columns were
never extracted), adds the computed columns and writes the aggregate tables (both rendered to Spark SQL at synth from
the mapping's typed expressions, modules/glue-etl-pipeline/expressions.ts).

The mapping was validated at synth and the source's columns checked against it by the extract job; the extracted
columns are checked again here before anything is written. Casts run with ANSI semantics, so a value that does not
fit its type fails the run instead of silently becoming NULL.
"""
import sys
import time

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import functions as F

import etl_common as etl

ARGS = getResolvedOptions(sys.argv, ["JOB_NAME", "plan_uri", "data_bucket", "run_id"])

sc = SparkContext.getOrCreate()
glue_context = GlueContext(sc)
spark = glue_context.spark_session
spark.conf.set("spark.sql.ansi.enabled", "true")
logger = glue_context.get_logger()
job = Job(glue_context)
job.init(ARGS["JOB_NAME"], ARGS)


def transform_table(table, bucket, run_id):
    source_prefix = etl.run_prefix("extract", run_id, table)
    target_prefix = etl.run_prefix("transform", run_id, table)
    manifest = etl.read_json(f"s3://{bucket}/{source_prefix}_manifest.json")
    etl.delete_prefix(bucket, target_prefix)
    started = time.time()
    if manifest["rows"] == 0:
        etl.write_json(bucket, f"{target_prefix}_manifest.json", {"rows": 0})
        etl.log(logger, "table empty, nothing to transform", table=table["sourceTable"])
        return
    frame = spark.read.parquet(f"s3://{bucket}/{source_prefix}page-*/")
    problems = etl.check_columns(table, frame.columns)
    if problems:
        raise etl.EtlError("; ".join(problems) + ". Nothing was transformed or loaded.")
    # The mapped columns cast to their declared types, named by their declared source names: what the computed
    # columns' and aggregates' expressions refer to.
    typed = frame.select(
        *[F.col(f"`{actual}`").cast(spark_type).alias(column["source"])
          for (actual, spark_type, _), column in zip(etl.projection(table, frame.columns), table["columns"])]
    )
    projected = typed.select(
        *[F.col(f"`{column['source']}`").alias(column["target"]) for column in table["columns"]],
        *[F.expr(column["sql"]).alias(column["target"]) for column in table.get("computed", [])],
    )
    projected.write.mode("overwrite").parquet(f"s3://{bucket}/{target_prefix}data/")
    rows = spark.read.parquet(f"s3://{bucket}/{target_prefix}data/").count()
    if rows != manifest["rows"]:
        raise etl.EtlError(f"{table['sourceTable']}: extracted {manifest['rows']} rows but transformed {rows}")
    etl.write_json(bucket, f"{target_prefix}_manifest.json", {"rows": rows, "columns": projected.columns})
    etl.log(logger, "table transformed", table=table["sourceTable"], rows=rows, seconds=round(time.time() - started, 1))
    for aggregate in table.get("aggregates", []):
        transform_aggregate(table, aggregate, typed, bucket, run_id)


def transform_aggregate(table, aggregate, typed, bucket, run_id):
    """One aggregate table: its SELECT ... GROUP BY over this table's rows (the view etl_rows), written for the load."""
    prefix = etl.aggregate_prefix(run_id, table, aggregate)
    typed.createOrReplaceTempView("etl_rows")
    spark.sql(aggregate["selectSql"]).write.mode("overwrite").parquet(f"s3://{bucket}/{prefix}data/")
    rows = spark.read.parquet(f"s3://{bucket}/{prefix}data/").count()
    etl.write_json(bucket, f"{prefix}_manifest.json", {"rows": rows})
    etl.log(logger, "aggregate computed", table=aggregate["targetTable"], source=table["sourceTable"], rows=rows)


def main():
    run_id = etl.check_run_id(ARGS["run_id"])
    plan = etl.load_plan(ARGS["plan_uri"])
    for table in plan["tables"]:
        transform_table(table, ARGS["data_bucket"], run_id)
    job.commit()


main()
