"""The export path and the upsert path give the same graph.

The export job writes each file with neptune_mapping (export.py: header, then vertex_fields / edge_fields per row).
Neptune's bulk loader cannot run here, so graph_tools.load_file stands in for it (a test double that follows the Gremlin
load data format; its docstring says what it leaves out) and adds the elements to the server's second graph (`bulk`)
with the column's type. The graph it builds must equal the one the writers upsert, element by element and type by
type. test/glue-harness runs the same stand-in over the files export.py itself writes under Spark.
"""
import os
import sys
import unittest

sys.path.insert(0, os.environ["NEPTUNE_TEMPLATES"])

import neptune_mapping as nm  # noqa: E402
import neptune_writer as nw  # noqa: E402
import test_writer as w  # noqa: E402  (helpers and the expected graph; imported as a module so its tests run once)
from graph_tools import load_file  # noqa: E402
from gremlin_python.driver.driver_remote_connection import DriverRemoteConnection  # noqa: E402
from gremlin_python.process.anonymous_traversal import traversal  # noqa: E402

def export_files(source):
    """{(kind, label): csv text} as the export job writes them for `source`."""
    files = {}
    for v in w.MAPPING["vertices"]:
        files[("vertex", v["label"])] = nm.vertex_csv(v, source.get(v["table"], []))
    for e in w.MAPPING["edges"]:
        files[("edge", e["label"])] = nm.edge_csv(e, source.get(e["table"], []))
    return files


class ExportMatchesUpsertTest(w.GraphTestCase):
    def setUp(self):
        super().setUp()
        w.clear("bulk")
        self.connection = DriverRemoteConnection("wss://localhost:%d/gremlin" % w.PORT, "bulk", message_serializer=nw._message_serializer())
        self.bulk = traversal().with_remote(self.connection)

    def tearDown(self):
        self.connection.close()

    def load(self, source):
        files = export_files(source)
        for kind in ("vertex", "edge"):  # the loader's vertex load first, the edge load depending on it
            for (k, _label), text in files.items():
                if k == kind:
                    load_file(self.bulk, text, kind)

    def test_the_bulk_loaded_export_equals_the_upserted_graph(self):
        self.load(w.SOURCE)
        w.write_all(w.SOURCE)
        self.assertEqual(w.read_graph("bulk"), w.read_graph("g"))
        self.assertEqual(w.read_graph("bulk"), (w.EXPECTED_VERTICES, w.EXPECTED_EDGES))

    def test_they_agree_after_updates_too(self):
        # the export of a changed source into a fresh graph vs upserts of the changes over the first run
        w.write_all(w.SOURCE)
        source = w.changed(w.SOURCE, "product", "id", 1, name="Chai tea", unit_price=None, tags="tea")
        source = w.changed(source, "orders", "order_id", 10249, order_date="2026-02-03T04:05Z", line_count=None)
        w.write_all(source)
        self.load(source)
        self.assertEqual(w.read_graph("bulk"), w.read_graph("g"))


if __name__ == "__main__":
    unittest.main()
