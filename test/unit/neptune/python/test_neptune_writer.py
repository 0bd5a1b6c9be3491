"""Unit tests of the Glue-side Python that can run without Spark or gremlin_python: upsert planning, the Gremlin
traversal built from a plan (against a recording fake), retries, and the incremental watermark protocol.
Run by test/unit/neptune/glue-scripts.test.ts (python3 -m unittest)."""
import datetime
import decimal
import json
import os
import sys
import unittest

sys.path.insert(0, os.environ["NEPTUNE_TEMPLATES"])

import neptune_mapping as nm  # noqa: E402
import neptune_writer as nw  # noqa: E402

MAPPING = nm.load_mapping(os.environ["GRAPH_MAPPING"])
PRODUCT = next(v for v in MAPPING["vertices"] if v["label"] == "Product")
ORDER = next(v for v in MAPPING["vertices"] if v["label"] == "Order")
SUPPLIED_BY = next(e for e in MAPPING["edges"] if e["label"] == "SUPPLIED_BY")
CONTAINS = next(e for e in MAPPING["edges"] if e["label"] == "CONTAINS")


class Recorder(object):
    """Stands in for a GraphTraversalSource / GraphTraversal / __: records every step call.

    Refuses camelCase step names: gremlinpython 3.7 has merge_v / merge_e / side_effect and no mergeV / mergeE, so a
    recorder that accepted any name let a writer pass here that failed on its first batch against a real server
    (test/gremlin runs the writer against Gremlin Server)."""

    def __init__(self, calls=None, name="g"):
        self.calls = calls if calls is not None else []
        self.name = name

    def __getattr__(self, step):
        if step != step.lower():
            raise AttributeError("gremlinpython 3.7 has no step %r (its steps are snake_case)" % step)

        def call(*args):
            self.calls.append((self.name, step) + args)
            return Recorder(self.calls, "t")
        return call


class Enum(object):
    def __init__(self, prefix):
        self.prefix = prefix

    def __getattr__(self, name):
        return "%s.%s" % (self.prefix, name)


class FakeGremlin(object):
    T = Enum("T")
    Cardinality = Enum("Cardinality")
    Direction = Enum("Direction")

    def __init__(self):
        self.anonymous = []
        self.__ = Recorder(self.anonymous, "__")

    @staticmethod
    def value(value):
        return ("typed", type(value).__name__, value) if isinstance(value, (nw.GremlinLong, nw.GremlinShort, nw.GremlinByte, nw.GremlinFloat)) else value


class PlanTest(unittest.TestCase):
    def test_vertex_plan_sets_single_values_replaces_sets_and_drops_nulls(self):
        rows = [
            {"id": 1, "name": "Chai", "unit_price": decimal.Decimal("18.00"), "discontinued": 0, "tags": "tea, drinks", "updated_at": None},
            {"id": 2, "name": None, "unit_price": 2.5, "discontinued": True, "tags": None, "updated_at": None},
        ]
        steps = nw.plan_vertices(PRODUCT, rows)
        self.assertEqual(steps, [
            ("mergeV", "product-1", "Product"),
            ("single", "discontinued", False),
            ("single", "name", "Chai"),
            ("drop", "tags"),
            ("set", "tags", "tea"),
            ("set", "tags", "drinks"),
            ("single", "unitPrice", 18.0),
            ("mergeV", "product-2", "Product"),
            ("single", "discontinued", True),
            ("drop", "name"),
            ("drop", "tags"),
            ("single", "unitPrice", 2.5),
        ])

    def test_dates_become_datetimes(self):
        steps = nw.plan_vertices(ORDER, [{"order_id": 7, "order_date": "2026-01-02 03:04:05", "line_count": 2, "updated_at": None}])
        self.assertIn(("single", "orderDate", datetime.datetime(2026, 1, 2, 3, 4, 5)), steps)

    def test_edge_plan_skips_null_foreign_keys(self):
        steps, skipped = nw.plan_edges(SUPPLIED_BY, [{"id": 1, "supplier_id": 9, "updated_at": None}, {"id": 2, "supplier_id": None, "updated_at": None}])
        self.assertEqual(skipped, 1)
        self.assertEqual(steps, [("mergeE", "SUPPLIED_BY:product-1->supplier-9", "SUPPLIED_BY", "product-1", "supplier-9")])

    def test_bad_value_names_table_row_and_column(self):
        with self.assertRaises(nm.MappingRowError) as ctx:
            nw.plan_edges(CONTAINS, [{"order_id": 1, "product_id": 2, "line_no": 1, "quantity": "many", "discount": 0, "updated_at": None}], 40)
        self.assertIn("table order_detail, row 40, column quantity", str(ctx.exception))

    def test_integer_properties_carry_their_mapping_type(self):
        steps = nw.plan_vertices(ORDER, [{"order_id": 7, "order_date": None, "line_count": "3", "updated_at": None}])
        lines = next(s for s in steps if s[:2] == ("single", "lines"))
        self.assertIs(type(lines[2]), nw.GremlinShort)
        self.assertEqual(lines[2], 3)
        contains, _ = nw.plan_edges(CONTAINS, [{"order_id": 1, "product_id": 2, "line_no": 1, "quantity": 4, "discount": 0.5, "updated_at": None}])
        quantity = next(s for s in contains if s[:2] == ("single", "quantity"))
        self.assertIs(type(quantity[2]), int)  # Int: gremlinpython's plain int is already a 32-bit Int
        discount = next(s for s in contains if s[:2] == ("single", "discount"))
        self.assertIs(type(discount[2]), nw.GremlinFloat)
        unit_price = next(s for s in nw.plan_vertices(PRODUCT, [{"id": 1, "name": None, "unit_price": 2.5, "discontinued": 0, "tags": None, "updated_at": None}]) if s[:2] == ("single", "unitPrice"))
        self.assertIs(type(unit_price[2]), float)  # Double: gremlinpython's plain float

    def test_batches(self):
        self.assertEqual(list(nw.batches(range(5), 2)), [[0, 1], [2, 3], [4]])


class TraversalTest(unittest.TestCase):
    def test_one_chained_traversal_per_batch(self):
        gremlin = FakeGremlin()
        g = Recorder()
        steps, _ = nw.plan_edges(CONTAINS, [{"order_id": 1, "product_id": 2, "line_no": 3, "quantity": 4, "discount": None, "updated_at": None}])
        nw.build_traversal(g, nw.plan_vertices(ORDER, [{"order_id": 1, "order_date": None, "line_count": 1, "updated_at": None}]) + nw.edge_steps_for_gremlin(steps), gremlin)
        self.assertEqual(g.calls[0], ("g", "merge_v", {"T.id": "order-1", "T.label": "Order"}))
        self.assertEqual(sum(1 for c in g.calls if c[1] == "side_effect"), 2)
        # lines is a Short in the mapping: handed to gremlinpython as its Short type, not a plain int (sent as Int)
        self.assertIn(("t", "property", "Cardinality.single", "lines", ("typed", "GremlinShort", 1)), g.calls)
        self.assertIn(("t", "merge_e", {"T.id": "order-line-1-3", "T.label": "CONTAINS", "Direction.OUT": "order-1", "Direction.IN": "product-2"}), g.calls)
        # edge properties are plain property(k, v): no cardinality on edges
        self.assertIn(("t", "property", "quantity", 4), g.calls)
        self.assertEqual(gremlin.anonymous, [("__", "properties", "orderDate"), ("t", "drop"), ("__", "properties", "discount"), ("t", "drop")])


class RetryTest(unittest.TestCase):
    def test_retries_transient_errors_with_backoff(self):
        attempts = []
        delays = []

        def action():
            attempts.append(1)
            if len(attempts) < 3:
                raise RuntimeError("ConcurrentModificationException: conflict")
            return "ok"

        self.assertEqual(nw.run_with_retries(action, "batch", sleep=delays.append), "ok")
        self.assertEqual(delays, [0.5, 1.0])

    def test_does_not_retry_other_errors_and_says_what_failed(self):
        def action():
            raise ValueError("InvalidParameterException: bad id")

        with self.assertRaises(RuntimeError) as ctx:
            nw.run_with_retries(action, "upsert of Product rows 0-99 of table product", sleep=lambda s: None)
        self.assertIn("upsert of Product rows 0-99 of table product failed after 1 attempt(s): InvalidParameterException", str(ctx.exception))

    def test_gives_up_after_the_last_attempt(self):
        with self.assertRaises(RuntimeError) as ctx:
            nw.run_with_retries(lambda: (_ for _ in ()).throw(RuntimeError("timed out")), "batch", attempts=3, sleep=lambda s: None)
        self.assertIn("failed after 3 attempt(s)", str(ctx.exception))


class IncrementalProtocolTest(unittest.TestCase):
    def setUp(self):
        self.state = {}
        self.saved = []
        self.committed = []
        self.upserted = []
        self.logs = []
        # table -> list of (watermark, row)
        self.data = {}

    def read_changes(self, kind, element, start):
        # incremental.py applies the same rule in Spark: watermark >= start, NULLs never.
        rows = [r for r in self.data.get(element["table"], []) if nw.in_window(r["updated_at"], start)]
        if not rows:
            return None, None
        new = max(r["updated_at"] for r in rows)
        return [r for r in rows if r["updated_at"] <= new], new

    def upsert(self, kind, element, rows):
        self.upserted.append((kind, element["label"], [r["id"] for r in rows]))
        return len(rows)

    def save(self, key, value):
        self.saved.append(key)
        self.state[key] = json.loads(json.dumps(value))

    def run_once(self, upsert=None, lookback_seconds=0):
        return nw.run_incremental(MAPPING, self.read_changes, upsert or self.upsert, self.state.get, self.save,
                                  lambda: self.committed.append(True), log=self.logs.append, lookback_seconds=lookback_seconds)

    def test_first_run_takes_everything_and_saves_the_data_watermark(self):
        t1 = datetime.datetime(2026, 1, 1, 10, 0, 0)
        t2 = datetime.datetime(2026, 1, 1, 11, 0, 0)
        self.data = {"orders": [{"id": 1, "updated_at": t1}, {"id": 2, "updated_at": t2}, {"id": 3, "updated_at": None}]}
        self.run_once()
        self.assertEqual(self.upserted, [("vertex", "Order", [1, 2])])
        self.assertEqual(self.state["vertex-order.json"], {"type": "timestamp", "value": "2026-01-01T11:00:00"})
        self.assertEqual(self.committed, [True])

    def test_next_run_takes_rows_from_the_watermark_on(self):
        # Without a lookback the window starts at the watermark itself: rows stamped with it are read again.
        t1 = datetime.datetime(2026, 1, 1, 10, 0, 0)
        self.data = {"orders": [{"id": 0, "updated_at": t1 - datetime.timedelta(seconds=1)}, {"id": 1, "updated_at": t1}]}
        self.run_once()
        self.upserted.clear()
        self.data["orders"].append({"id": 2, "updated_at": t1 + datetime.timedelta(seconds=1)})
        self.run_once()
        self.assertEqual(self.upserted, [("vertex", "Order", [1, 2])])

    def test_rows_committed_late_with_an_earlier_or_equal_stamp_are_read_within_the_lookback(self):
        # Run 1 at 10:05 sees a@10:00 and b@10:05 and saves 10:05. Then c (stamped 10:03 by a transaction that committed
        # after run 1) and d (stamped 10:05, the same instant as b) appear. A "> watermark" filter misses both forever;
        # the lookback window (default 15 minutes) re-reads from 09:50 and upserts them (idempotently with a and b).
        t = datetime.datetime(2026, 1, 1, 10, 0, 0)
        minute = datetime.timedelta(minutes=1)
        self.data = {"orders": [{"id": "a", "updated_at": t}, {"id": "b", "updated_at": t + 5 * minute}]}
        self.run_once(lookback_seconds=900)
        self.assertEqual(self.state["vertex-order.json"], {"type": "timestamp", "value": "2026-01-01T10:05:00"})
        self.upserted.clear()
        self.saved.clear()
        self.data["orders"] += [{"id": "c", "updated_at": t + 3 * minute}, {"id": "d", "updated_at": t + 5 * minute}]
        self.run_once(lookback_seconds=900)
        self.assertEqual(self.upserted, [("vertex", "Order", ["a", "b", "c", "d"])])
        # nothing newer than 10:05: the watermark stays (it never moves back) and is not rewritten
        self.assertEqual(self.saved, [])
        self.assertEqual(self.state["vertex-order.json"], {"type": "timestamp", "value": "2026-01-01T10:05:00"})
        # a row older than the window is not read again
        self.upserted.clear()
        self.data["orders"].append({"id": "old", "updated_at": t - 20 * minute})
        self.run_once(lookback_seconds=900)
        self.assertNotIn("old", self.upserted[0][2])

    def test_window_start_per_watermark_type(self):
        ts = datetime.datetime(2026, 1, 1, 10, 5, 0)
        self.assertEqual(nw.window_start(ts, 900), datetime.datetime(2026, 1, 1, 9, 50, 0))
        self.assertEqual(nw.window_start(datetime.date(2026, 1, 2), 900), datetime.date(2026, 1, 1))
        self.assertEqual(nw.window_start(datetime.date(2026, 1, 2), 0), datetime.date(2026, 1, 2))
        self.assertEqual(nw.window_start(42, 900), 42)
        self.assertIsNone(nw.window_start(None, 900))
        self.assertTrue(nw.in_window(ts, ts))
        self.assertFalse(nw.in_window(None, None))
        with self.assertRaises(ValueError):
            nw.window_start(ts, -1)

    def test_nothing_new_upserts_nothing_but_commits(self):
        self.run_once()
        self.assertEqual(self.upserted, [])
        self.assertEqual(self.saved, [])
        self.assertEqual(self.committed, [True])

    def test_a_failed_upsert_saves_no_watermark_and_commits_no_bookmark(self):
        t1 = datetime.datetime(2026, 1, 1, 10, 0, 0)
        self.data = {"product": [{"id": 1, "updated_at": t1}], "orders": [{"id": 5, "updated_at": t1}], "order_detail": [{"id": 9, "updated_at": t1}]}

        def failing(kind, element, rows):
            if kind == "edge":
                raise RuntimeError("upsert of CONTAINS rows 0-0 of table order_detail failed")
            return self.upsert(kind, element, rows)

        with self.assertRaises(RuntimeError):
            self.run_once(failing)
        self.assertEqual(self.saved, [])
        self.assertEqual(self.committed, [])
        # the retry redoes the same rows (idempotent upserts) and then advances
        self.upserted.clear()
        self.run_once()
        self.assertEqual([u[1] for u in self.upserted], ["Product", "Order", "SUPPLIED_BY", "CONTAINS"])
        self.assertEqual(len(self.saved), 4)

    def test_vertices_before_edges(self):
        t1 = datetime.datetime(2026, 1, 1)
        self.data = {"order_detail": [{"id": 1, "updated_at": t1}], "orders": [{"id": 2, "updated_at": t1}]}
        self.run_once()
        self.assertEqual([u[0] for u in self.upserted], ["vertex", "edge"])

    def test_watermark_round_trip(self):
        for value in (datetime.datetime(2026, 1, 2, 3, 4, 5, 6), datetime.date(2026, 1, 2), 42, decimal.Decimal("1.50"), "v-0009"):
            self.assertEqual(nw.decode_watermark(json.loads(json.dumps(nw.encode_watermark(value)))), value)
        with self.assertRaises(ValueError):
            nw.encode_watermark(True)



class GlueSourceReadOptionsTest(unittest.TestCase):
    """glue_source.read_options: direct.py's --read_hashpartitions as from_catalog's hashfield/hashpartitions."""

    def test_read_options_one_query_unless_more_than_one_partition(self):
        import glue_source

        self.assertEqual(glue_source.read_options(PRODUCT, "1"), {})
        # The vertex's first id column; an edge's first from-endpoint column (the compiled `columns` order).
        self.assertEqual(glue_source.read_options(PRODUCT, "8"), {"hashfield": "id", "hashpartitions": "8"})  # product-{id}
        self.assertEqual(glue_source.read_options(CONTAINS, "3"), {"hashfield": "order_id", "hashpartitions": "3"})  # from Order


if __name__ == "__main__":
    unittest.main()
