"""templates/glue/neptune end to end: the real export.py, incremental.py and direct.py under PySpark local mode, with
the job arguments of a synthesized NeptuneGraphMigration, MariaDB as the MySQL source read through a Glue Data Catalog
(moto's, filled by the harness's crawler stand-in), the bulk-load CSV in moto S3 loaded by test/gremlin's loader
stand-in, and the upserts going to a real Gremlin Server 3.7.1 (graph_harness.py). The tests run in file order and
share one set of engines and one graph.

The expected graphs are written out by hand from the mapping and the rows below, not computed with neptune_mapping.
"""
import datetime as dt
import json
import os
import struct
import sys

import pytest

from graph_harness import NEPTUNE_TEMPLATES, GremlinServer, GraphMigration
from harness import REPO, Services

T0 = dt.datetime(2026, 1, 1, 10, 0, 0)
T1 = T0 + dt.timedelta(hours=1)
OLD = dt.datetime(2025, 12, 1)
OLDER = dt.datetime(2025, 11, 1)
LOOKBACK = 900  # the module's default

# The product graph of test/unit/neptune/fixtures.ts with a watermark on every element, plus Shipment for the types the
# product graph lacks (Long beyond 2^53, Byte, Bool from TINYINT(1)). Declarative: synth compiles it (synth-graph.ts).
MAPPING = {
    "vertices": [
        {"label": "Product", "table": "product", "id": "product-{id}", "watermarkColumn": "updated_at",
         "properties": [{"column": "name", "type": "String"}, {"column": "unit_price", "name": "unitPrice", "type": "Double"},
                        {"column": "discontinued", "type": "Bool"}, {"column": "tags", "type": "String", "multi": True}]},
        {"label": "Supplier", "table": "supplier", "id": "supplier-{id}", "watermarkColumn": "updated_at",
         "properties": [{"column": "company_name", "name": "name", "type": "String"}]},
        {"label": "Order", "table": "orders", "id": "order-{order_id}", "watermarkColumn": "updated_at",
         "properties": [{"column": "order_date", "name": "orderDate", "type": "Date"}, {"column": "line_count", "name": "lines", "type": "Short"}]},
        {"label": "Shipment", "table": "shipment", "id": "shipment-{id}", "watermarkColumn": "updated_at",
         "properties": [{"column": "tracking_no", "name": "trackingNo", "type": "Long"}, {"column": "priority", "type": "Byte"},
                        {"column": "weight_kg", "name": "weightKg", "type": "Double"}, {"column": "delivered", "type": "Bool"}]},
    ],
    "edges": [
        {"label": "SUPPLIED_BY", "table": "product", "from": {"vertex": "Product"}, "to": {"vertex": "Supplier", "columns": {"id": "supplier_id"}},
         "watermarkColumn": "updated_at"},
        {"label": "CONTAINS", "table": "order_detail", "from": {"vertex": "Order", "columns": {"order_id": "order_id"}},
         "to": {"vertex": "Product", "columns": {"id": "product_id"}}, "id": "order-line-{order_id}-{line_no}",
         "properties": [{"column": "quantity", "type": "Int"}, {"column": "discount", "type": "Float"}], "watermarkColumn": "updated_at"},
        {"label": "SHIPS", "table": "shipment", "from": {"vertex": "Shipment"}, "to": {"vertex": "Order", "columns": {"order_id": "order_id"}},
         "watermarkColumn": "updated_at"},
    ],
}

# Stamps: every table has rows outside the lookback window of its watermark, so "only the window" and "the whole
# table" give different counts.
SOURCE = f"""
CREATE DATABASE shop CHARACTER SET utf8mb4;
USE shop;
CREATE TABLE product (id INT PRIMARY KEY, name VARCHAR(100), unit_price DECIMAL(10,2), discontinued TINYINT(1),
  tags VARCHAR(200), supplier_id INT NULL, updated_at DATETIME(6) NOT NULL) CHARACTER SET utf8mb4;
CREATE TABLE supplier (id INT PRIMARY KEY, company_name VARCHAR(100) NULL, updated_at DATETIME(6) NOT NULL);
CREATE TABLE orders (order_id INT PRIMARY KEY, order_date DATETIME NULL, line_count SMALLINT NULL, updated_at DATETIME(6) NOT NULL);
CREATE TABLE order_detail (order_id INT NOT NULL, line_no INT NOT NULL, product_id INT NULL, quantity INT, discount DECIMAL(4,2),
  updated_at DATETIME(6) NOT NULL, PRIMARY KEY (order_id, line_no));
CREATE TABLE shipment (id INT PRIMARY KEY, order_id INT NOT NULL, tracking_no BIGINT, priority TINYINT, weight_kg DOUBLE,
  delivered TINYINT(1), updated_at DATETIME(6) NOT NULL);
INSERT INTO product VALUES
  (1, 'Chai', 18.00, 0, 'tea, drinks', 1, '{T0 - dt.timedelta(minutes=5)}'),
  (2, 'Chef "Cajun", seasoning', 22.50, 1, 'spice,a;b', NULL, '{OLDER}'),
  (3, 'Ünïcödé ✓ 日本 𝄞', 1.25, 0, '', 2, '{OLDER}'),
  (4, 'Tofu', 23.25, 0, NULL, 1, '{T0}');
INSERT INTO supplier VALUES (1, 'Exotic Liquids', '{OLDER}'), (2, NULL, '{OLD}');
INSERT INTO orders VALUES (10248, '2026-01-02 03:04:05', 2, '{OLDER}'), (10249, '2026-01-05 00:00:00', NULL, '{OLD}');
INSERT INTO order_detail VALUES (10248, 1, 1, 12, 0.00, '{OLDER}'), (10248, 2, 3, 5, 0.15, '{OLD}'), (10249, 1, NULL, 1, 0.25, '{OLDER}');
INSERT INTO shipment VALUES (1, 10248, 9007199254740993, -3, 1.5, 1, '{OLD}');
"""


def f32(value):
    return struct.unpack(">f", struct.pack(">f", value))[0]


EXPECTED_VERTICES = {
    "product-1": ("Product", {"name": {("Chai", "String")}, "unitPrice": {(18.0, "Double")}, "discontinued": {(False, "Boolean")},
                              "tags": {("tea", "String"), ("drinks", "String")}}),
    "product-2": ("Product", {"name": {('Chef "Cajun", seasoning', "String")}, "unitPrice": {(22.5, "Double")},
                              "discontinued": {(True, "Boolean")}, "tags": {("spice", "String"), ("a;b", "String")}}),
    "product-3": ("Product", {"name": {("Ünïcödé ✓ 日本 \U0001D11E", "String")}, "unitPrice": {(1.25, "Double")}, "discontinued": {(False, "Boolean")}}),
    "product-4": ("Product", {"name": {("Tofu", "String")}, "unitPrice": {(23.25, "Double")}, "discontinued": {(False, "Boolean")}}),
    "supplier-1": ("Supplier", {"name": {("Exotic Liquids", "String")}}),
    "supplier-2": ("Supplier", {}),
    "order-10248": ("Order", {"orderDate": {(dt.datetime(2026, 1, 2, 3, 4, 5), "Date")}, "lines": {(2, "Short")}}),
    "order-10249": ("Order", {"orderDate": {(dt.datetime(2026, 1, 5), "Date")}}),
    "shipment-1": ("Shipment", {"trackingNo": {(9007199254740993, "Long")}, "priority": {(-3, "Byte")}, "weightKg": {(1.5, "Double")},
                                "delivered": {(True, "Boolean")}}),
}
EXPECTED_EDGES = {
    "SUPPLIED_BY:product-1->supplier-1": ("SUPPLIED_BY", "product-1", "supplier-1", {}),
    "SUPPLIED_BY:product-3->supplier-2": ("SUPPLIED_BY", "product-3", "supplier-2", {}),
    "SUPPLIED_BY:product-4->supplier-1": ("SUPPLIED_BY", "product-4", "supplier-1", {}),
    "order-line-10248-1": ("CONTAINS", "order-10248", "product-1", {"quantity": (12, "Integer"), "discount": (0.0, "Float")}),
    "order-line-10248-2": ("CONTAINS", "order-10248", "product-3", {"quantity": (5, "Integer"), "discount": (f32(0.15), "Float")}),
    "SHIPS:shipment-1->order-10248": ("SHIPS", "shipment-1", "order-10248", {}),
}

# Three source rows change after the export (stamped T1).
CHANGES = f"""
UPDATE shop.product SET name = 'Cajun seasoning', updated_at = '{T1}' WHERE id = 2;
UPDATE shop.supplier SET company_name = 'Grandma Kelly', updated_at = '{T1}' WHERE id = 2;
UPDATE shop.order_detail SET quantity = 13, updated_at = '{T1}' WHERE order_id = 10248 AND line_no = 1;
"""
CHANGED_VERTICES = dict(
    EXPECTED_VERTICES,
    **{"product-2": ("Product", dict(EXPECTED_VERTICES["product-2"][1], name={("Cajun seasoning", "String")})),
       "supplier-2": ("Supplier", {"name": {("Grandma Kelly", "String")}})})
CHANGED_EDGES = dict(
    EXPECTED_EDGES,
    **{"order-line-10248-1": ("CONTAINS", "order-10248", "product-1", {"quantity": (13, "Integer"), "discount": (0.0, "Float")})})


def stamp(value):
    return {"type": "timestamp", "value": value.isoformat()}


@pytest.fixture(scope="module")
def world():
    services = Services(postgres=False).start()
    try:
        gremlin = GremlinServer(services).start()
        services.mysql_root(SOURCE)
        migration = GraphMigration(services, gremlin, MAPPING, lookback_seconds=LOOKBACK)
        assert migration.crawl() == ["order_detail", "orders", "product", "shipment", "supplier"]
        # The test process reads the graph with the same gremlinpython the jobs install (--additional-python-modules).
        sys.path[:0] = [str(migration.python_modules("direct")), str(NEPTUNE_TEMPLATES), str(REPO / "test" / "gremlin")]
        os.environ["SSL_CERT_FILE"] = str(gremlin.cert)
        import graph_tools

        yield {"services": services, "gremlin": gremlin, "migration": migration, "tools": graph_tools, "timings": {}}
    finally:
        services.stop()


def read_graph(world):
    return world["tools"].read_graph(world["gremlin"].port)


def state(world):
    """The watermarks in S3 where the incremental job keeps them: {key: state}."""
    s3 = world["services"].boto("s3")
    migration = world["migration"]
    prefix = migration.jobs["incremental"]["arguments"]["--state_prefix"]
    listed = s3.list_objects_v2(Bucket=migration.bucket, Prefix=prefix).get("Contents", [])
    return {o["Key"][len(prefix):]: json.loads(s3.get_object(Bucket=migration.bucket, Key=o["Key"])["Body"].read()) for o in listed}


def totals(output):
    """The incremental job's own report: rows read and upserted per element."""
    lines = [json.loads(line) for line in output.splitlines() if line.startswith('{"message": "incremental run complete"')]
    assert len(lines) == 1, output[-3000:]
    return lines[0]["rows"]


def test_the_export_loaded_by_the_loader_stand_in_is_the_mapped_graph_and_records_the_watermarks(world):
    migration, services, tools = world["migration"], world["services"], world["tools"]
    output, seconds = migration.run_job_checked("export", {"--run_id": "bulk-1"}, label="export")
    world["timings"]["export"] = seconds
    s3 = services.boto("s3")
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=migration.bucket, Prefix="exports/bulk-1/")["Contents"])
    assert keys and all("/part-" in k for k in keys), keys  # no _SUCCESS markers: the loader would read them as data
    # the Neptune loader stand-in, vertices first (the state machine queues the edge load behind the vertex load)
    from gremlin_python.driver.driver_remote_connection import DriverRemoteConnection
    from gremlin_python.process.anonymous_traversal import traversal

    import neptune_writer as nw

    tools.clear(world["gremlin"].port)
    connection = DriverRemoteConnection("wss://localhost:%d/gremlin" % world["gremlin"].port, "g", message_serializer=nw._message_serializer())
    try:
        g = traversal().with_remote(connection)
        for kind, folder in (("vertex", "vertices"), ("edge", "edges")):
            for key in keys:
                if key.startswith(f"exports/bulk-1/{folder}/"):
                    tools.load_file(g, s3.get_object(Bucket=migration.bucket, Key=key)["Body"].read().decode("utf-8"), kind)
    finally:
        connection.close()
    assert read_graph(world) == (EXPECTED_VERTICES, EXPECTED_EDGES)
    # the highest watermark each element's export read, where the incremental job will look
    assert state(world) == expected_state(migration, {
        "Product": T0, "Supplier": OLD, "Order": OLD, "Shipment": OLD, "SUPPLIED_BY": T0, "CONTAINS": OLD, "SHIPS": OLD})


def expected_state(migration, by_label):
    """{state key: watermark state} for the mapping's elements, keys as neptune_mapping.state_key names them."""
    import neptune_mapping as nm

    mapping = nm.load_mapping(migration.jobs["incremental"]["arguments"]["--graph_mapping"])
    out = {}
    for kind, elements in (("vertex", mapping["vertices"]), ("edge", mapping["edges"])):
        for element in elements:
            out[nm.state_key("", kind, element)] = stamp(by_label[element["label"]])
    return out


def test_the_first_incremental_run_after_the_export_upserts_the_changed_rows_and_the_lookback_window_only(world):
    # Without the export's watermarks this run would start from nothing and upsert every row of every table.
    migration, services = world["migration"], world["services"]
    services.mysql_root(CHANGES)
    output, seconds = migration.run_job_checked("incremental", label="incremental-1")
    world["timings"]["incremental after export"] = seconds
    # per element: the changed rows (stamped T1) plus the rows within 15 minutes of the export's watermark
    assert totals(output) == {
        "vertex:Product": 3,     # product 2 (changed), 4 (T0, the watermark), 1 (T0 - 5 min); not 3 (older)
        "vertex:Supplier": 1,    # supplier 2 (changed; was OLD, the watermark); not 1 (older)
        "vertex:Order": 1,       # order 10249 (OLD, the watermark, unchanged); not 10248
        "vertex:Shipment": 1,    # shipment 1 (OLD, the watermark)
        "edge:SUPPLIED_BY": 3,   # the product rows above (product 2 has no supplier: counted, no edge)
        "edge:CONTAINS": 2,      # line 10248-1 (changed), 10248-2 (OLD, the watermark); not 10249-1
        "edge:SHIPS": 1,
    }
    assert read_graph(world) == (CHANGED_VERTICES, CHANGED_EDGES)
    assert state(world) == expected_state(migration, {
        "Product": T1, "Supplier": T1, "Order": OLD, "Shipment": OLD, "SUPPLIED_BY": T1, "CONTAINS": T1, "SHIPS": OLD})


def upserted(output):
    """direct.py's own report: {label: (rows, rows skipped for a NULL endpoint)}."""
    reports = [json.loads(line) for line in output.splitlines() if line.startswith('{"message": "upserted"')]
    return {r["label"]: (r["rows"], r["skippedNullEndpoints"]) for r in reports}


WHOLE_SOURCE = {"Product": (4, 0), "Supplier": (2, 0), "Order": (2, 0), "Shipment": (1, 0), "SUPPLIED_BY": (4, 1), "CONTAINS": (3, 1), "SHIPS": (1, 0)}


def test_direct_over_the_loaded_graph_rewrites_every_row_and_changes_nothing(world):
    # A re-run of every row over a graph that already holds them (the export's load plus the incremental run): the
    # upserts are idempotent, and the two paths agree.
    output, seconds = world["migration"].run_job_checked("direct", label="direct-over-loaded")
    world["timings"]["direct over the loaded graph"] = seconds
    assert upserted(output) == WHOLE_SOURCE
    assert read_graph(world) == (CHANGED_VERTICES, CHANGED_EDGES)


def test_direct_into_an_empty_graph_gives_the_mapped_graph(world):
    world["tools"].clear(world["gremlin"].port)
    # Read with directWrite.readPartitions 3 (hashfield/hashpartitions through from_catalog): the same rows, the same
    # graph as the one-query read of the test above.
    output, seconds = world["migration"].run_job_checked("direct", {"--read_hashpartitions": "3"}, label="direct-empty")
    world["timings"]["direct into an empty graph"] = seconds
    assert upserted(output) == WHOLE_SOURCE
    assert read_graph(world) == (CHANGED_VERTICES, CHANGED_EDGES)
    print("\ngraph job seconds (wall, spark-submit to exit): " + json.dumps({k: round(v, 1) for k, v in world["timings"].items()}))
