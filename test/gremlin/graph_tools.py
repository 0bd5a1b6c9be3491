"""Shared by test/gremlin and test/glue-harness: reading a graph back with the Java type of every value, clearing it,
and the stand-in for Neptune's bulk loader.

load_file is a TEST DOUBLE of the Neptune loader, not the loader: it reads a file as the Gremlin load data format
documents (https://docs.aws.amazon.com/neptune/latest/userguide/bulk-load-tutorial-format-gremlin.html: RFC 4180,
`name:Type`, `Type[]` arrays split on unescaped `;`, `(single)`, empty field = no value, dates as UTC) and adds the
elements with the column's type. It does not check what the page forbids (test/unit/neptune/bulk-load-format.test.ts
does), nor load in parallel, nor report errors as the loader does, nor merge into existing elements (mode AUTO with
updateSingleCardinalityProperties): it only adds, so load into an empty graph.
Needs gremlinpython and the templates' neptune_writer on sys.path.
"""
import csv
import datetime
import io
import re

import neptune_writer as nw
from gremlin_python import statics
from gremlin_python.driver.client import Client
from gremlin_python.process.traversal import Cardinality, T

HEADER = re.compile(r"^((?:[^:\\]|\\.)+):([A-Za-z]+)(\((single|set)\))?(\[\])?$")

# What the tests read back: every element with the Java class of its id and of each property value.
INSPECT = """
def props = { el -> el.properties().toList().collect { p -> [p.key(), p.value(), p.value().getClass().getSimpleName()] } }
[SOURCE.V().toList().collect { v -> [v.id(), v.id().getClass().getSimpleName(), v.label(), props(v)] },
 SOURCE.E().toList().collect { e -> [e.id(), e.id().getClass().getSimpleName(), e.label(), e.outVertex().id(), e.inVertex().id(), props(e)] }]
"""


def client(port, source="g"):
    return Client("wss://localhost:%d/gremlin" % port, source)


def read_graph(port, source="g"):
    """(vertices, edges): {id: (label, {property: {(value, Java type), ...}})} and
    {id: (label, from, to, {property: (value, Java type)})}; asserts every id is a String, as on Neptune."""
    c = client(port)
    try:
        vertices, edges = c.submit(INSPECT.replace("SOURCE", source)).all().result()
    finally:
        c.close()
    out_v, out_e = {}, {}
    for vid, id_type, label, props in vertices:
        if id_type != "String":
            raise AssertionError("vertex id %r is a %s: Neptune ids are strings" % (vid, id_type))
        values = {}
        for key, value, kind in props:
            values.setdefault(key, set()).add((value, kind))
        out_v[vid] = (label, values)
    for eid, id_type, label, source_id, target_id, props in edges:
        if id_type != "String":
            raise AssertionError("edge id %r is a %s: Neptune ids are strings" % (eid, id_type))
        out_e[eid] = (label, source_id, target_id, {key: (value, kind) for key, value, kind in props})
    return out_v, out_e


def clear(port, source="g"):
    c = client(port)
    try:
        c.submit("%s.V().drop().iterate(); %s.E().count()" % (source, source)).all().result()
    finally:
        c.close()


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
    """Adds the vertices or edges of one bulk-load CSV file (its header first) to the graph of traversal source g."""
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
