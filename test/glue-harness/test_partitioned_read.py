"""Parallel catalog reads (hashfield/hashpartitions, as templates/glue/neptune/direct.py passes them when
directWrite.readPartitions > 1) return exactly the rows of the one-query read, NULL and text hash fields included,
in hashpartitions Spark partitions. Real MariaDB, moto's catalog, the awsglue double's from_catalog, spark-submit
local[2]."""
import json

import pytest

from bench_partitioned import catalog_table
from harness import Services, spark_submit

DRIVER = r'''
import json, sys
from pyspark.context import SparkContext
from awsglue.context import GlueContext
glue_context = GlueContext(SparkContext.getOrCreate())
for extra in json.loads(sys.argv[1]):
    df = glue_context.create_dynamic_frame.from_catalog(database="bench", table_name="events", additional_options=extra).toDF()
    rows = sorted(json.dumps([str(v) for v in r]) for r in df.collect())
    sizes = df.rdd.glom().map(len).collect()
    print("READ " + json.dumps({"options": extra, "partitions": df.rdd.getNumPartitions(), "sizes": sizes, "rows": rows}))
'''


@pytest.fixture(scope="module")
def services():
    s = Services(postgres=False).start()
    yield s
    s.stop()


def test_partitioned_reads_return_the_same_rows(services):
    catalog_table(services, 500, nullable_payload=True)
    script = services.dir / "partitioned_read_driver.py"
    script.write_text(DRIVER)
    reads = [{}, {"hashfield": "id", "hashpartitions": "3"}, {"hashfield": "payload", "hashpartitions": 4}]
    code, output, _ = spark_submit(services, script, [json.dumps(reads)], [], [], "partitioned_read.log")
    assert code == 0, output[-3000:]
    results = [json.loads(line[5:]) for line in output.splitlines() if line.startswith("READ ")]
    assert [r["partitions"] for r in results] == [1, 3, 4]
    one_query = results[0]["rows"]
    assert len(one_query) == 500
    assert any('"None"' in row for row in one_query)  # the table has NULL payloads
    for partitioned in results[1:]:
        assert partitioned["rows"] == one_query, partitioned["options"]
        # the hash spreads the rows: no partition holds them all
        assert max(partitioned["sizes"]) < 500, partitioned["sizes"]
