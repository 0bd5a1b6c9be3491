"""MySQL (Glue catalog) -> Neptune by batched upserts (mergeV/mergeE), vertices first, then edges.

Idempotent: re-running after a failure converges to the same graph. Runs over the NETWORK connection to the
cluster; requests are SigV4-signed with the job role when IAM auth is on.
"""
import json
import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

import glue_source
import neptune_mapping as nm
import neptune_writer as nw

ARGS = getResolvedOptions(sys.argv, ["JOB_NAME", "graph_mapping", "catalog_database", "catalog_table_prefix",
                                     "neptune_endpoint", "neptune_port", "neptune_iam_auth", "batch_size",
                                     "read_hashpartitions"])


def main():
    mapping = nm.load_mapping(ARGS["graph_mapping"])
    glue_context = GlueContext(SparkContext.getOrCreate())
    job = Job(glue_context)
    job.init(ARGS["JOB_NAME"], ARGS)
    config = nw.NeptuneConfig(ARGS["neptune_endpoint"], ARGS["neptune_port"], ARGS["neptune_iam_auth"])
    batch_size = int(ARGS["batch_size"])
    for kind, elements in (("vertex", mapping["vertices"]), ("edge", mapping["edges"])):
        for element in elements:
            df = glue_source.read_table(glue_context, ARGS["catalog_database"], ARGS["catalog_table_prefix"], element,
                                        "direct-%s-%s" % (kind, element["folder"]),
                                        glue_source.read_options(element, ARGS["read_hashpartitions"]))

            def write(partition, rows, element=element, kind=kind):
                yield nw.upsert_partition(config, element, kind, rows, batch_size, partition)

            results = df.rdd.mapPartitionsWithIndex(write).collect()
            print(json.dumps({"message": "upserted", "kind": kind, "label": element["label"], "table": element["table"],
                              "rows": sum(r[0] for r in results), "skippedNullEndpoints": sum(r[1] for r in results)}))
    job.commit()


if __name__ == "__main__":
    main()
