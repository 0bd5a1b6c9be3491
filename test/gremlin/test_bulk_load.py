"""The export path and the upsert path give the same graph.

The export job writes each file with neptune_mapping (export.py: header, then vertex_fields / edge_fields per row).
Neptune's bulk loader cannot run here, so load_file below stands in for it: it reads the files as the Gremlin load data
format documents (https://docs.aws.amazon.com/neptune/latest/userguide/bulk-load-tutorial-format-gremlin.html: RFC 4180,
`name:Type`, `Type[]` arrays split on unescaped `;`, `(single)`, empty field = no value, dates as UTC) and adds the
elements to the server's second graph (`bulk`) with the column's type. It is a test double of the loader, not the
loader: it does not check what the page forbids (test/unit/neptune/bulk-load-format.test.ts does), nor load in
parallel, nor report errors as the loader does. The graph it builds must equal the one the writers upsert, element by
element and type by type.
"""
import csv
import datetime
import io
import os
import re
import sys
import unittest

sys.path.insert(0, os.environ["NEPTUNE_TEMPLATES"])

import neptune_mapping as nm  # noqa: E402
import neptune_writer as nw  # noqa: E402
import test_writer as w  # noqa: E402  (helpers and the expected graph; imported as a module so its tests run once)
from gremlin_python import statics  # noqa: E402
from gremlin_python.driver.driver_remote_connection import DriverRemoteConnection  # noqa: E402
from gremlin_python.process.anonymous_traversal import traversal  # noqa: E402
from gremlin_python.process.traversal import Cardinality, T  # noqa: E402

HEADER = re.compile(r"^((?:[^:\\]|\\.)+):([A-Za-z]+)(\((single|set)\))?(\[\])?$")


def export_files(source):
    """{(kind, label): csv text} as the export job writes them for `source`."""
    files = {}
    for v in w.MAPPING["vertices"]:
        files[("vertex", v["label"])] = nm.vertex_csv(v, source.get(v["table"], []))
    for e in w.MAPPING["edges"]:
        files[("edge", e["label"])] = nm.edge_csv(e, source.get(e["table"], []))
    return files


def typed(kind, text):
    kind = kind.lower()
    if kind == "string":
        return text
    if kind in ("bool", "boolean"):
        return text == "true"
    if kind == "byte":
        return statics.SingleByte(int(text))
    if kind == "short":
        return statics.short(int(text))
    if kind == "int":
        return int(text)
    if kind == "long":
        return statics.long(int(text))
    if kind == "float":
        return nw.GremlinFloat(float(text))
    if kind == "double":
        return float(text)
    if kind == "date":
        for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ"):
            try:
                return datetime.datetime.strptime(text, fmt)  # naive = UTC, as gremlinpython sends it
            except ValueError:
                pass
        raise ValueError("not a Neptune date: %r" % text)
    raise ValueError("unknown type %r" % kind)


def load_file(g, text, kind):
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, records = rows[0], rows[1:]
    for fields in records:
        row = dict(zip(header, fields))
        if kind == "vertex":
            t = g.add_v(row["~label"]).property(T.id, row["~id"])
        else:
            t = g.V(row["~from"]).add_e(row["~label"]).to(g.V(row["~to"]).next()).property(T.id, row["~id"])
        for column, text in zip(header, fields):
            if column.startswith("~") or text == "":
                continue  # an empty field: the row has no value for this column
            m = HEADER.match(column)
            name, type_name, cardinality, array = m.group(1).replace("\\:", ":"), m.group(2), m.group(4), m.group(5)
            if array:
                for item in re.split(r"(?<!\\);", text):
                    t = t.property(Cardinality.set_, name, typed(type_name, item.replace("\\;", ";")))
            elif kind == "vertex":
                t = t.property(Cardinality.single if cardinality == "single" else Cardinality.set_, name, typed(type_name, text))
            else:
                t = t.property(name, typed(type_name, text))
        t.iterate()


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
