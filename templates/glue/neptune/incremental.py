"""Incremental MySQL -> Neptune: rows whose watermark column is >= the last saved watermark minus --lookback_seconds
and <= the new one (the maximum read in this run) are upserted; watermarks (s3://<state_bucket>/<state_prefix>) are
saved only after every upsert succeeded. A failed run leaves them untouched and the next run redoes the same rows; the
upserts are idempotent, so that is safe.

No Glue job bookmark on the watermark column: bookmark keys must be strictly monotonically increasing
(https://docs.aws.amazon.com/glue/latest/dg/programming-etl-connect-bookmarks.html), and an update timestamp is not in
commit order. The lookback window re-reads rows committed late with an earlier or equal stamp (see neptune_writer).
"""
import json
import sys

import boto3
from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import functions as F

import glue_source
import neptune_mapping as nm
import neptune_writer as nw

ARGS = getResolvedOptions(sys.argv, ["JOB_NAME", "graph_mapping", "catalog_database", "catalog_table_prefix",
                                     "neptune_endpoint", "neptune_port", "neptune_iam_auth", "batch_size",
                                     "state_bucket", "state_prefix", "lookback_seconds"])


def main():
    mapping = nm.load_mapping(ARGS["graph_mapping"])
    glue_context = GlueContext(SparkContext.getOrCreate())
    job = Job(glue_context)
    job.init(ARGS["JOB_NAME"], ARGS)
    config = nw.NeptuneConfig(ARGS["neptune_endpoint"], ARGS["neptune_port"], ARGS["neptune_iam_auth"])
    batch_size = int(ARGS["batch_size"])
    s3 = boto3.client("s3")
    bucket, prefix = ARGS["state_bucket"], ARGS["state_prefix"]

    def load_state(key):
        try:
            body = s3.get_object(Bucket=bucket, Key=prefix + key)["Body"].read()
        except s3.exceptions.NoSuchKey:
            return None
        return json.loads(body)

    def save_state(key, state):
        s3.put_object(Bucket=bucket, Key=prefix + key, Body=json.dumps(state).encode("utf-8"), ContentType="application/json")

    def read_changes(kind, element, start):
        # The same rule as nw.in_window: watermark >= start (the last watermark minus the lookback), NULLs never.
        column = element["watermarkColumn"]
        df = glue_source.read_table(
            glue_context, ARGS["catalog_database"], ARGS["catalog_table_prefix"], element,
            "incremental-%s-%s" % (kind, element["folder"]),
        )
        df = df.filter(F.col(column).isNotNull())
        if start is not None:
            df = df.filter(F.col(column) >= F.lit(start))
        df = df.cache()
        new = df.agg(F.max(column)).collect()[0][0]
        if new is None:
            return None, None
        return df.filter(F.col(column) <= F.lit(new)), new

    def upsert(kind, element, df):
        def write(partition, rows):
            yield nw.upsert_partition(config, element, kind, rows, batch_size, partition)

        return sum(r[0] for r in df.rdd.mapPartitionsWithIndex(write).collect())

    totals = nw.run_incremental(mapping, read_changes, upsert, load_state, save_state, job.commit,
                                lookback_seconds=int(ARGS["lookback_seconds"]))
    print(json.dumps({"message": "incremental run complete", "rows": totals}))


if __name__ == "__main__":
    main()
