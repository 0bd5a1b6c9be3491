"""The Neptune writers (templates/glue/neptune/neptune_writer.py, unchanged) against a real Gremlin Server 3.7.1 with
TinkerGraph, started by run.py. The Spark parts of direct.py / incremental.py are not run here: the rows a Spark
partition would hand to neptune_writer.upsert_partition are given as dicts (what Row.asDict() yields), in the order
the jobs use (every vertex mapping, then every edge mapping).

Each expected graph below is written out by hand from the mapping (test/gremlin/mapping.ts) and the rows, not computed
with neptune_mapping, so a formatting or typing mistake there shows up as a difference.

Neptune vs this TinkerGraph (also in README.md); the tests assert what both must do, and are no kinder than Neptune:
- ids: Neptune takes user-supplied ids as strings only. TinkerGraph (ANY id manager) would store an int id as an int,
  so the tests assert every id read back is a Java String.
- cardinality: Neptune's default vertex property cardinality is set, TinkerGraph's is list; the server's TinkerGraph is
  configured with set (tinkergraph.properties), and the writer names single/set explicitly anyway.
- mergeV/mergeE: TinkerPop 3.7 has them, as Neptune engine 1.2.1.0+ does (the module defaults to 1.4.5.1). Neptune runs
  each request as one transaction; TinkerGraph has none, so a failed batch can leave a partial write here that Neptune
  would roll back. The tests never rely on either behaviour.
- types: read back through a Groovy script (Java class names). Neptune does not run Groovy; the script only inspects.
"""
import datetime
import decimal
import json
import os
import sys
import unittest

sys.path.insert(0, os.environ["NEPTUNE_TEMPLATES"])

import graph_tools  # noqa: E402
import neptune_mapping as nm  # noqa: E402
import neptune_writer as nw  # noqa: E402

PORT = int(os.environ["GREMLIN_PORT"])
# The endpoint is a host name, as a Neptune cluster endpoint is: TLS verifies it against the certificate.
CONFIG = nw.NeptuneConfig("localhost", PORT, "false")
with open(os.environ["GRAPH_MAPPING_FILE"]) as f:
    MAPPING = nm.load_mapping(f.read())
UTC = datetime.timezone.utc
T0 = datetime.datetime(2026, 1, 1, 10, 0, 0)
MINUTE = datetime.timedelta(minutes=1)

# Rows of the source tables, as the jobs read them (MySQL types as PySpark hands them over: Decimal, int, str, ...).
SOURCE = {
    "product": [
        {"id": 1, "name": "Chai", "unit_price": decimal.Decimal("18.00"), "discontinued": 0, "tags": "tea, drinks", "supplier_id": 1, "updated_at": T0},
        {"id": 2, "name": 'Chef "Cajun", seasoning', "unit_price": 22.5, "discontinued": True, "tags": "spice,a;b", "supplier_id": None, "updated_at": T0},
        {"id": 3, "name": "Ünïcödé ✓ 日本 \U0001D11E", "unit_price": "1.250", "discontinued": "false", "tags": "", "supplier_id": 2, "updated_at": T0},
    ],
    "supplier": [
        {"id": 1, "company_name": "Exotic Liquids", "updated_at": T0},
        {"id": 2, "company_name": None, "updated_at": T0},
    ],
    "orders": [
        {"order_id": 10248, "order_date": "2026-01-02 03:04:05", "line_count": 2, "updated_at": T0},
        {"order_id": 10249, "order_date": "2026-01-02T03:04:05.5+02:00", "line_count": "3", "updated_at": T0},
    ],
    "order_detail": [
        {"order_id": 10248, "product_id": 1, "line_no": 1, "quantity": 12, "discount": 0, "updated_at": T0},
        {"order_id": 10248, "product_id": 3, "line_no": 2, "quantity": "5", "discount": "0.15", "updated_at": T0},
        {"order_id": 10249, "product_id": None, "line_no": 1, "quantity": 1, "discount": 0.25, "updated_at": T0},
    ],
    "shipment": [
        # 2^53 + 1: above 32 bits (gremlinpython sends a plain int as a 32-bit Int) and above a double's exact range.
        {"id": 1, "order_id": 10248, "tracking_no": 9007199254740993, "priority": -3, "weight_kg": 1.5,
         "shipped_at": datetime.datetime(2026, 1, 3, 6, 5, 6, tzinfo=datetime.timezone(datetime.timedelta(hours=2))), "delivered": 1, "updated_at": T0},
    ],
}


def f32(value):
    """The value a Java Float holds for `value` (what a Float property stores), as a Python float."""
    import struct

    return struct.unpack(">f", struct.pack(">f", value))[0]


# The graph the mapping implies for SOURCE: id -> (label, {property: {(value, Java type), ...}}).
EXPECTED_VERTICES = {
    "product-1": ("Product", {"name": {("Chai", "String")}, "unitPrice": {(18.0, "Double")}, "discontinued": {(False, "Boolean")},
                              "tags": {("tea", "String"), ("drinks", "String")}}),
    "product-2": ("Product", {"name": {('Chef "Cajun", seasoning', "String")}, "unitPrice": {(22.5, "Double")},
                              "discontinued": {(True, "Boolean")}, "tags": {("spice", "String"), ("a;b", "String")}}),
    # tags "" splits into no values: no tags property at all
    "product-3": ("Product", {"name": {("Ünïcödé ✓ 日本 \U0001D11E", "String")}, "unitPrice": {(1.25, "Double")}, "discontinued": {(False, "Boolean")}}),
    "supplier-1": ("Supplier", {"name": {("Exotic Liquids", "String")}}),
    "supplier-2": ("Supplier", {}),  # company_name NULL: no property
    "order-10248": ("Order", {"orderDate": {(datetime.datetime(2026, 1, 2, 3, 4, 5), "Date")}, "lines": {(2, "Short")}}),
    # +02:00 converted to UTC; fractions of a second are dropped, as in the bulk-load CSV
    "order-10249": ("Order", {"orderDate": {(datetime.datetime(2026, 1, 2, 1, 4, 5), "Date")}, "lines": {(3, "Short")}}),
    "shipment-1": ("Shipment", {"trackingNo": {(9007199254740993, "Long")}, "priority": {(-3, "Byte")}, "weightKg": {(1.5, "Double")},
                                "shippedAt": {(datetime.datetime(2026, 1, 3, 4, 5, 6), "Date")}, "delivered": {(True, "Boolean")}}),
}
# id -> (label, from, to, {property: (value, Java type)}). Rows with a NULL foreign key have no edge.
EXPECTED_EDGES = {
    "SUPPLIED_BY:product-1->supplier-1": ("SUPPLIED_BY", "product-1", "supplier-1", {}),
    "SUPPLIED_BY:product-3->supplier-2": ("SUPPLIED_BY", "product-3", "supplier-2", {}),
    "order-line-10248-1": ("CONTAINS", "order-10248", "product-1", {"quantity": (12, "Integer"), "discount": (0.0, "Float")}),
    "order-line-10248-2": ("CONTAINS", "order-10248", "product-3", {"quantity": (5, "Integer"), "discount": (f32(0.15), "Float")}),
    "SHIPS:shipment-1->order-10248": ("SHIPS", "shipment-1", "order-10248", {}),
}

def read_graph(source="g"):
    """(vertices, edges) in the shapes of EXPECTED_VERTICES / EXPECTED_EDGES; asserts every id is a String."""
    return graph_tools.read_graph(PORT, source)


def clear(source="g"):
    graph_tools.clear(PORT, source)


def element(kind, label):
    return next(e for e in MAPPING["vertices" if kind == "vertex" else "edges"] if e["label"] == label)


def write_all(source, batch_size=2):
    """What direct.py does per table, one partition each: vertices first, then edges. Returns {label: (written, skipped)}."""
    results = {}
    for kind, elements in (("vertex", MAPPING["vertices"]), ("edge", MAPPING["edges"])):
        for el in elements:
            results[el["label"]] = nw.upsert_partition(CONFIG, el, kind, iter(source.get(el["table"], [])), batch_size)
    return results


def changed(source, table, key, value, **updates):
    rows = [dict(r) for r in source[table]]
    for row in rows:
        if row[key] == value:
            row.update(updates)
    return dict(source, **{table: rows})


class GraphTestCase(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        clear()

    def assertGraph(self, vertices, edges):
        got_v, got_e = read_graph()
        self.assertEqual(got_v, vertices)
        self.assertEqual(got_e, edges)


class DirectWriteTest(GraphTestCase):
    def test_the_graph_is_what_the_mapping_implies(self):
        results = write_all(SOURCE)
        self.assertGraph(EXPECTED_VERTICES, EXPECTED_EDGES)
        # written counts rows; rows whose foreign key is NULL are counted as skipped (no edge)
        self.assertEqual(results["Product"], (3, 0))
        self.assertEqual(results["SUPPLIED_BY"], (3, 1))
        self.assertEqual(results["CONTAINS"], (3, 1))

    def test_a_second_run_changes_nothing(self):
        write_all(SOURCE)
        first = read_graph()
        write_all(SOURCE, batch_size=1)  # other batch boundaries too
        self.assertEqual(read_graph(), first)
        self.assertEqual(first, (EXPECTED_VERTICES, EXPECTED_EDGES))

    def test_a_rerun_after_source_updates_updates_properties_in_place(self):
        write_all(SOURCE)
        source = changed(SOURCE, "product", "id", 1, name="Chai tea", unit_price=None, tags="tea", discontinued=1)
        source = changed(source, "order_detail", "line_no", 2, quantity=6, discount=None)
        source = changed(source, "shipment", "id", 1, tracking_no=-9223372036854775808, priority=127)
        write_all(source)
        vertices = dict(EXPECTED_VERTICES)
        # single values replaced, a NULL drops the property, a set is replaced whole (drinks is gone)
        vertices["product-1"] = ("Product", {"name": {("Chai tea", "String")}, "discontinued": {(True, "Boolean")}, "tags": {("tea", "String")}})
        vertices["shipment-1"] = ("Shipment", dict(EXPECTED_VERTICES["shipment-1"][1], trackingNo={(-9223372036854775808, "Long")}, priority={(127, "Byte")}))
        edges = dict(EXPECTED_EDGES)
        edges["order-line-10248-2"] = ("CONTAINS", "order-10248", "product-3", {"quantity": (6, "Integer")})
        self.assertGraph(vertices, edges)

    def test_a_row_whose_foreign_key_changes_gets_a_new_edge_and_the_old_one_stays(self):
        # The default edge id is <label>:{~from}->{~to}: a moved foreign key is another edge, and nothing removes the old
        # one (the writers never delete; see DeletesTest and README.md).
        write_all(SOURCE)
        write_all(changed(SOURCE, "product", "id", 1, supplier_id=2))
        _, edges = read_graph()
        self.assertIn("SUPPLIED_BY:product-1->supplier-2", edges)
        self.assertIn("SUPPLIED_BY:product-1->supplier-1", edges)

    def test_an_edge_to_a_vertex_that_was_not_written_fails_its_batch_naming_it(self):
        # Neptune refuses it too (the bulk loader reports FROM_OR_TO_VERTEX_ARE_MISSING); it is not retried.
        nw.upsert_partition(CONFIG, element("vertex", "Order"), "vertex", iter(SOURCE["orders"]), 10)
        with self.assertRaises(RuntimeError) as ctx, self.assertLogs("gremlinpython", "ERROR"):
            nw.upsert_partition(CONFIG, element("edge", "CONTAINS"), "edge", iter(SOURCE["order_detail"][:1]), 10, partition=3)
        self.assertIn("upsert of CONTAINS rows 0-0 of table order_detail (partition 3) failed after 1 attempt(s)", str(ctx.exception))
        self.assertIn("product-1", str(ctx.exception))

    def test_a_value_that_does_not_fit_its_type_fails_before_anything_is_sent(self):
        bad = changed(SOURCE, "shipment", "id", 1, priority=128)
        with self.assertRaises(nm.MappingRowError) as ctx:
            nw.upsert_partition(CONFIG, element("vertex", "Shipment"), "vertex", iter(bad["shipment"]), 10)
        self.assertIn("table shipment, row 0, column priority: 128 is out of range for Byte", str(ctx.exception))
        self.assertEqual(read_graph(), ({}, {}))


class ServerLikeNeptuneTest(GraphTestCase):
    """The server's TinkerGraph is configured as the module docstring says; if the configuration stopped applying, the
    other tests would silently run against a kinder graph."""

    def test_the_default_vertex_property_cardinality_is_set_as_on_neptune(self):
        c = graph_tools.client(PORT)
        try:
            # on an existing vertex: properties folded into addV() are attached with list cardinality whatever the default
            counts = c.submit("g.addV('Probe').property(T.id, 'probe-1').iterate(); "
                              "g.V('probe-1').property('x', 1).property('x', 1).property('x', 2).iterate(); "
                              "g.V('probe-1').properties('x').count()").all().result()
        finally:
            c.close()
        self.assertEqual(counts, [2])  # list cardinality (TinkerGraph's default) would keep 3


class DeletesTest(GraphTestCase):
    """The writers upsert and never delete (neptune_writer's docstring and README.md say so). A row deleted at the source
    leaves its vertex and edges in the graph; the tests pin that, so a change in either direction is noticed."""

    def test_a_row_deleted_at_the_source_stays_in_the_graph(self):
        write_all(SOURCE)
        gone = dict(SOURCE, product=[r for r in SOURCE["product"] if r["id"] != 2])
        write_all(gone)
        self.assertGraph(EXPECTED_VERTICES, EXPECTED_EDGES)


class IncrementalTest(GraphTestCase):
    """neptune_writer.run_incremental (the protocol incremental.py runs) with real upserts into the server."""

    def setUp(self):
        super().setUp()
        self.state = {}
        self.commits = 0

    def run_once(self, source, lookback_seconds=900):
        def read_changes(kind, el, start):
            # incremental.py's Spark filter: watermark >= start, NULLs never, and <= the maximum read
            rows = [r for r in source.get(el["table"], []) if nw.in_window(r[el["watermarkColumn"]], start)]
            if not rows:
                return None, None
            new = max(r[el["watermarkColumn"]] for r in rows)
            return [r for r in rows if r[el["watermarkColumn"]] <= new], new

        def upsert(kind, el, rows):
            return nw.upsert_partition(CONFIG, el, kind, iter(rows), 2)[0]

        def commit():
            self.commits += 1

        return nw.run_incremental(MAPPING, read_changes, upsert, self.state.get, self.state.__setitem__, commit,
                                  log=lambda line: None, lookback_seconds=lookback_seconds)

    def test_first_run_loads_everything_then_only_the_window_is_reapplied(self):
        totals = self.run_once(SOURCE)
        self.assertGraph(EXPECTED_VERTICES, EXPECTED_EDGES)
        self.assertEqual(totals["vertex:Product"], 3)
        self.assertEqual(self.state["vertex-product.json"], {"type": "timestamp", "value": "2026-01-01T10:00:00"})
        # an hour later, one product changed; the others are outside the 15-minute lookback window
        source = [dict(r) for r in SOURCE["product"]]
        for r in source:
            r["updated_at"] = T0 - 60 * MINUTE
        source[0].update(name="Chai (loose)", updated_at=T0 + 60 * MINUTE)
        totals = self.run_once(dict(SOURCE, product=source))
        self.assertEqual(totals["vertex:Product"], 1)
        self.assertEqual(self.state["vertex-product.json"], {"type": "timestamp", "value": "2026-01-01T11:00:00"})
        vertices = dict(EXPECTED_VERTICES)
        vertices["product-1"] = ("Product", dict(EXPECTED_VERTICES["product-1"][1], name={("Chai (loose)", "String")}))
        self.assertGraph(vertices, EXPECTED_EDGES)
        self.assertEqual(self.commits, 2)

    def test_a_row_committed_late_with_an_earlier_stamp_is_written_by_the_next_run(self):
        self.run_once(SOURCE)
        late = dict(SOURCE["supplier"][0], id=3, company_name="Late Ltd", updated_at=T0 - 5 * MINUTE)
        self.run_once(dict(SOURCE, supplier=SOURCE["supplier"] + [late]))
        vertices, _ = read_graph()
        self.assertEqual(vertices["supplier-3"], ("Supplier", {"name": {("Late Ltd", "String")}}))
        self.assertEqual(self.state["vertex-supplier.json"], {"type": "timestamp", "value": "2026-01-01T10:00:00"})

    def test_a_run_that_fails_on_the_server_saves_no_watermark_and_the_retry_converges(self):
        # The CONTAINS rows point at a product the run does not write: the server refuses the edge.
        source = dict(SOURCE, order_detail=[dict(SOURCE["order_detail"][0], product_id=99)])
        with self.assertRaises(RuntimeError), self.assertLogs("gremlinpython", "ERROR"):
            self.run_once(source)
        self.assertEqual(self.state, {})
        self.assertEqual(self.commits, 0)
        self.run_once(SOURCE)
        self.assertGraph(EXPECTED_VERTICES, EXPECTED_EDGES)
        self.assertEqual(self.commits, 1)
        self.assertEqual(sorted(self.state), sorted(nw.state_key("", k, e) for k, es in (("vertex", MAPPING["vertices"]), ("edge", MAPPING["edges"])) for e in es))


if __name__ == "__main__":
    unittest.main()
