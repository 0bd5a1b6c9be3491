"""Extract: copies the mapped columns of each source table to S3 as Parquet, one keyset page at a time.

First, before any row is read, every table's column list is checked against the declared mapping: a column that is
neither mapped nor excluded (schema drift) or a mapped column that is missing fails the run, naming the columns.
Pages are `SELECT <mapped columns> ... WHERE key > <last key> ORDER BY key LIMIT <page size>` (never OFFSET): each
page is an index range scan, so the cost per page stays flat however deep into the table the run is, and excluded
columns never leave the source. `append` tables start after the watermark the last successful load committed;
`full` tables from the first key. A retried run first removes what an earlier attempt of the same run wrote, then
writes pages and a manifest (rows, pages, last key) per table.
"""
import sys
import time

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import functions as F

import etl_common as etl

ARGS = getResolvedOptions(
    sys.argv,
    ["JOB_NAME", "plan_uri", "data_bucket", "run_id", "source_jdbc_url", "source_secret_arn", "page_size"],
)

sc = SparkContext.getOrCreate()
glue_context = GlueContext(sc)
spark = glue_context.spark_session
logger = glue_context.get_logger()
job = Job(glue_context)
job.init(ARGS["JOB_NAME"], ARGS)  # needed for the security configuration to take effect


def check_schema(table, url, props):
    """Problems between the source's columns and the mapping (reads no rows)."""
    probe = spark.read.jdbc(url=url, table=f"({table['probeSql']}) AS probe", properties=props)
    return etl.check_columns(table, probe.columns)


def extract_table(table, url, props, bucket, run_id, page_size):
    prefix = etl.run_prefix("extract", run_id, table)
    removed = etl.delete_prefix(bucket, prefix)
    started = time.time()
    state = etl.read_json_if_exists(bucket, table["watermarkKey"]) if table["mode"] == "append" else None
    start = after = etl.start_after(table, state)
    rows = pages = 0
    columns = []
    while True:
        query = etl.page_sql(table, after, page_size)
        page = spark.read.jdbc(url=url, table=f"({query}) AS page", properties={**props, "fetchsize": "10000"}).cache()
        count = page.count()
        if count == 0:
            page.unpersist()
            break
        columns = page.columns
        last = page.agg(F.max(table["keyColumn"]).alias("last")).collect()[0]["last"]
        page.write.mode("overwrite").parquet(f"s3://{bucket}/{prefix}page-{pages:06d}/")
        page.unpersist()
        rows += count
        pages += 1
        if last is None or int(last) <= after:
            raise etl.EtlError(f"{table['sourceTable']}: key {table['keyColumn']} did not advance past {after}; is it NULL or not unique?")
        after = int(last)
        etl.log(logger, "page extracted", table=table["sourceTable"], page=pages, rows=count, lastKey=after)
        if count < page_size:
            break
    etl.write_json(bucket, f"{prefix}_manifest.json",
                   {"rows": rows, "pages": pages, "startAfter": start, "lastKey": after if pages else None, "columns": columns})
    etl.log(logger, "table extracted", table=table["sourceTable"], mode=table["mode"], startAfter=start, rows=rows, pages=pages,
            staleObjectsRemoved=removed, seconds=round(time.time() - started, 1))


def main():
    run_id = etl.check_run_id(ARGS["run_id"])
    page_size = int(ARGS["page_size"])
    plan = etl.load_plan(ARGS["plan_uri"])
    username, password = etl.credentials(ARGS["source_secret_arn"])
    props = etl.jdbc_properties(plan["sourceEngine"], username, password)
    problems = [p for table in plan["tables"] for p in check_schema(table, ARGS["source_jdbc_url"], props)]
    if problems:
        raise etl.EtlError("; ".join(problems) + ". Nothing was extracted.")
    for table in plan["tables"]:
        extract_table(table, ARGS["source_jdbc_url"], props, ARGS["data_bucket"], run_id, page_size)
    job.commit()


main()
