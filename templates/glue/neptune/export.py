"""MySQL (Glue catalog) -> Neptune bulk-load CSV in S3.

Writes s3://<bucket>/<prefix><run_id>/vertices/<folder>/part-* and .../edges/<folder>/part-*, every file with
the typed header compiled at synth (--graph_mapping). Rows are formatted by neptune_mapping, the Python twin of
modules/neptune-graph-migration/mapping.ts. A run id is written once: an existing output path fails the job.
"""
import json
import re
import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

import glue_source
import neptune_mapping as nm

ARGS = getResolvedOptions(sys.argv, ["JOB_NAME", "graph_mapping", "catalog_database", "catalog_table_prefix",
                                     "export_bucket", "export_prefix", "run_id"])


def csv_lines(element, kind):
    header = nm.csv_line(element["header"])
    to_fields = nm.vertex_fields if kind == "vertex" else nm.edge_fields

    def lines(partition, rows):
        yield header
        for index, row in enumerate(rows):
            fields = to_fields(element, row.asDict(), "%d:%d" % (partition, index))
            if fields is not None:
                yield nm.csv_line(fields)

    return lines


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
    for kind, folder, elements in (("vertex", "vertices", mapping["vertices"]), ("edge", "edges", mapping["edges"])):
        for element in elements:
            df = glue_source.read_table(glue_context, ARGS["catalog_database"], ARGS["catalog_table_prefix"], element,
                                        "export-%s-%s" % (kind, element["folder"]))
            path = "%s/%s/%s/" % (base, folder, element["folder"])
            df.rdd.mapPartitionsWithIndex(csv_lines(element, kind)).saveAsTextFile(path)
            print(json.dumps({"message": "exported", "kind": kind, "label": element["label"], "table": element["table"], "path": path}))
    job.commit()


if __name__ == "__main__":
    main()
