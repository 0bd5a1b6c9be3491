"""MySQL (Glue catalog) -> Neptune bulk-load CSV in S3.

Writes s3://<bucket>/<prefix><run_id>/vertices/<folder>/part-* and .../edges/<folder>/part-*, every file with
the typed header compiled at synth (--graph_mapping). Rows are formatted by neptune_mapping, the Python twin of
modules/neptune-graph-migration/mapping.ts. A run id is written once: an existing output path fails the job.

Watermark handover: for every element with a watermarkColumn, the highest value of that column among the rows this
export wrote is recorded where the incremental job keeps its watermarks (s3://<state_bucket>/<state_prefix>
<kind>-<folder>.json, neptune_writer's format), after every element was exported. The first incremental run then
re-reads only rows at or after that watermark minus its lookback, instead of upserting every row again.
The maximum is taken from the same rows that were written (an accumulator fed while the CSV lines are produced, not a
second query), so it belongs to the snapshot the export read: glue_source reads each table with one query, and InnoDB
gives one statement one consistent snapshot. A row changed after that snapshot gets a stamp at or after the
recorded maximum unless its transaction stamped it more than the lookback before committing, the same assumption every
incremental run makes (neptune_writer, "Why a lookback"). A re-tried task may add the maximum of a later read of the
same table: a maximum never undercounts that way, and the rows that read skipped were changed after it and re-read
by the lookback only if stamped within it, as above. An element whose table was empty has its watermark removed
(the first incremental run then reads it whole).
"""
import json
import re
import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.accumulators import AccumulatorParam
from pyspark.context import SparkContext

import glue_source
import neptune_mapping as nm

ARGS = getResolvedOptions(sys.argv, ["JOB_NAME", "graph_mapping", "catalog_database", "catalog_table_prefix",
                                     "export_bucket", "export_prefix", "run_id", "state_bucket", "state_prefix"])


class MaxParam(AccumulatorParam):
    """Accumulates the maximum of the values added (None = nothing yet). Idempotent, so a re-run task is harmless."""

    def zero(self, value):
        return None

    def addInPlace(self, first, second):  # noqa: N802 (pyspark's name)
        if first is None:
            return second
        if second is None:
            return first
        return max(first, second)


def csv_lines(element, kind, watermark=None):
    header = nm.csv_line(element["header"])
    to_fields = nm.vertex_fields if kind == "vertex" else nm.edge_fields
    column = element.get("watermarkColumn")

    def lines(partition, rows):
        yield header
        highest = None
        for index, row in enumerate(rows):
            values = row.asDict()
            fields = to_fields(element, values, "%d:%d" % (partition, index))
            if fields is not None:
                yield nm.csv_line(fields)
            # every row read counts, also an edge row skipped for a NULL endpoint: the export covered it
            if watermark is not None and values.get(column) is not None and (highest is None or values[column] > highest):
                highest = values[column]
        if watermark is not None and highest is not None:
            watermark.add(highest)

    return lines


def save_watermarks(covered):
    """Writes (or, for an empty table, removes) each element's watermark where the incremental job reads it."""
    import boto3

    s3 = boto3.client("s3")
    for key, value in covered:
        if value is None:
            s3.delete_object(Bucket=ARGS["state_bucket"], Key=key)
        else:
            state = nm.encode_watermark(value)
            s3.put_object(Bucket=ARGS["state_bucket"], Key=key, Body=json.dumps(state).encode("utf-8"), ContentType="application/json")
        print(json.dumps({"message": "watermark recorded" if value is not None else "watermark removed (empty table)",
                          "key": key, "value": None if value is None else str(value)}))


def main():
    if not re.match(r"^[A-Za-z0-9_.-]{1,80}$", ARGS["run_id"]):
        raise ValueError("run_id %r must be 1-80 letters, digits, '.', '_' or '-'" % ARGS["run_id"])
    mapping = nm.load_mapping(ARGS["graph_mapping"])
    sc = SparkContext.getOrCreate()
    # No _SUCCESS markers: the loader would read them as (empty, header-less) data files.
    sc._jsc.hadoopConfiguration().set("mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
    glue_context = GlueContext(sc)
    job = Job(glue_context)
    job.init(ARGS["JOB_NAME"], ARGS)
    base = "s3://%s/%s%s" % (ARGS["export_bucket"], ARGS["export_prefix"], ARGS["run_id"])
    covered = []
    for kind, folder, elements in (("vertex", "vertices", mapping["vertices"]), ("edge", "edges", mapping["edges"])):
        for element in elements:
            df = glue_source.read_table(glue_context, ARGS["catalog_database"], ARGS["catalog_table_prefix"], element,
                                        "export-%s-%s" % (kind, element["folder"]))
            path = "%s/%s/%s/" % (base, folder, element["folder"])
            watermark = sc.accumulator(None, MaxParam()) if element.get("watermarkColumn") else None
            df.rdd.mapPartitionsWithIndex(csv_lines(element, kind, watermark)).saveAsTextFile(path)
            if watermark is not None:
                covered.append((nm.state_key(ARGS["state_prefix"], kind, element), watermark.value))
            print(json.dumps({"message": "exported", "kind": kind, "label": element["label"], "table": element["table"], "path": path}))
    # Only after every element was exported: a failed export leaves the previous watermarks as they were.
    save_watermarks(covered)
    job.commit()


if __name__ == "__main__":
    main()
