"""Rows -> Neptune graph elements, driven by the compiled mapping JSON that the TypeScript compiler
(modules/neptune-graph-migration/mapping.ts) writes at synth and the Glue jobs receive as --graph-mapping.

This module mirrors mapping.ts value for value: the same headers (they come from the JSON), the same value
formatting and RFC 4180 quoting. test/unit/neptune/mapping-conformance.test.ts runs both over the same rows and
compares the bytes. Standard library only, so it runs in Glue and in the test without Spark.
"""
import datetime
import decimal
import json
import re

FORMAT_VERSION = 1

_INT_RANGES = {
    "Byte": (-128, 127),
    "Short": (-32768, 32767),
    "Int": (-2147483648, 2147483647),
    "Long": (-9223372036854775808, 9223372036854775807),
}
_NUMERIC = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(:\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$")
_NEEDS_QUOTES = re.compile(r'[",\r\n]|^\s|\s$')


class MappingRowError(Exception):
    """A row that cannot be converted: names the table, the row position and the column."""

    def __init__(self, table, row, column, reason):
        super().__init__("table %s, row %s, column %s: %s" % (table, row, column, reason))
        self.table = table
        self.row = row
        self.column = column


def load_mapping(text):
    mapping = json.loads(text)
    if mapping.get("formatVersion") != FORMAT_VERSION:
        raise ValueError("graph mapping formatVersion %r is not %d: redeploy the jobs with the matching module version"
                         % (mapping.get("formatVersion"), FORMAT_VERSION))
    return mapping


def _utc_text(value):
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _format_date(value):
    if isinstance(value, datetime.datetime):
        return _utc_text(value)
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if not isinstance(value, str):
        return None
    s = value.strip()
    if _DATE_ONLY.match(s):
        return s
    m = _DATE_TIME.match(s)
    if not m:
        return None
    day, time, _, fraction, zone = m.groups()
    if zone:  # Z or an offset: UTC with seconds (yyyy-MM-ddTHH:mmZ is not a format Neptune documents)
        if len(zone) == 5:
            zone = zone[:3] + ":" + zone[3:]
        parsed = datetime.datetime.fromisoformat("%sT%s%s%s" % (day, time, fraction or "", zone))
        return _utc_text(parsed)
    return "%sT%s%s" % (day, time, zone or "")


def _js_number_text(value):
    """Float text as JavaScript's String(number) writes it for ordinary values (no trailing .0, e-7 not e-07)."""
    text = repr(float(value))
    if text.endswith(".0"):
        text = text[:-2]
    return re.sub(r"e([+-])0*(\d)", r"e\1\2", text)


def typed_value(kind, value):
    """A scalar converted to the Python type Gremlin expects (for direct writes). Raises ValueError with the reason."""
    text = format_scalar(kind, value)
    if kind == "String":
        return text
    if kind == "Bool":
        return text == "true"
    if kind in _INT_RANGES:
        return int(text)
    if kind in ("Float", "Double"):
        return float(text)
    if len(text) == 10:
        return datetime.datetime.strptime(text, "%Y-%m-%d")
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def format_scalar(kind, value):
    """One scalar as Neptune CSV text, exactly as formatScalar in mapping.ts. Raises ValueError with the reason."""
    if kind == "String":
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return _js_number_text(value)
        if isinstance(value, decimal.Decimal):
            return str(value)
        if isinstance(value, (datetime.date, datetime.datetime)):
            return _format_date(value)
        raise ValueError("a %s is not a String" % type(value).__name__)
    if kind == "Bool":
        if value is True or (type(value) is int and value == 1) or value in ("1", "true", "TRUE", "True"):
            return "true"
        if value is False or (type(value) is int and value == 0) or value in ("0", "false", "FALSE", "False"):
            return "false"
        raise ValueError("%s is not a Bool (true/false/1/0)" % json.dumps(value, default=str))
    if kind in _INT_RANGES:
        if isinstance(value, bool):
            raise ValueError("%s is not an integer" % json.dumps(value))
        if isinstance(value, int):
            n = value
        elif isinstance(value, float) and value.is_integer() and abs(value) <= 2 ** 53 - 1:
            n = int(value)
        elif isinstance(value, decimal.Decimal) and value == value.to_integral_value():
            n = int(value)
        elif isinstance(value, str) and _INTEGER.match(value.strip()):
            n = int(value.strip())
        else:
            raise ValueError("%s is not an integer" % json.dumps(value, default=str))
        low, high = _INT_RANGES[kind]
        if n < low or n > high:
            raise ValueError("%d is out of range for %s (%d..%d)" % (n, kind, low, high))
        return str(n)
    if kind in ("Float", "Double"):
        if isinstance(value, bool):
            raise ValueError("%s is not a finite number" % json.dumps(value))
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float) and value == value and value not in (float("inf"), float("-inf")):
            return _js_number_text(value)
        if isinstance(value, decimal.Decimal) and value.is_finite():
            return str(value)
        if isinstance(value, str) and _NUMERIC.match(value.strip()):
            return value.strip()
        raise ValueError("%s is not a finite number" % json.dumps(value, default=str))
    if kind == "Date":
        text = _format_date(value)
        if text is None:
            raise ValueError("%s is not a date (yyyy-MM-dd or yyyy-MM-ddTHH:mm[:ss][Z])" % json.dumps(value, default=str))
        return text
    raise ValueError("unknown type %s" % kind)


def _items(prop, value):
    if isinstance(value, (list, tuple)):
        return [v for v in value if v is not None]
    if isinstance(value, str):
        return [s.strip() for s in value.split(prop["separator"]) if s.strip() != ""]
    return [value]


def format_property(prop, value):
    if value is None:
        return ""
    if not prop["multi"]:
        return format_scalar(prop["type"], value)
    return ";".join(format_scalar(prop["type"], v).replace(";", "\\;") for v in _items(prop, value))


def csv_field(text):
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(fields):
    return ",".join(csv_field(f) for f in fields)


def _id_text(value):
    """A value in an id template: its String text, or None when it has none."""
    if value is None:
        return None
    try:
        return format_scalar("String", value)
    except ValueError:
        return None


def render_id(parts, row, ends=None):
    """(id, None) or (None, column) when a referenced column is NULL."""
    out = []
    for part in parts:
        if "literal" in part:
            out.append(part["literal"])
        elif "endpoint" in part:
            out.append(ends[part["endpoint"]])
        else:
            text = _id_text(row.get(part["column"]))
            if text is None:
                return None, part["column"]
            out.append(text)
    return "".join(out), None


def _require_columns(table, index, row, columns):
    for column in columns:
        if column not in row:
            raise MappingRowError(table, index, column, "column is missing from the row (check the table schema and the mapping)")


def _property_fields(table, index, props, row):
    fields = []
    for prop in props:
        try:
            fields.append(format_property(prop, row.get(prop["column"])))
        except ValueError as err:
            raise MappingRowError(table, index, prop["column"], "%s (property %s:%s)" % (err, prop["name"], prop["type"]))
    return fields


def vertex_fields(vertex, row, index=0):
    _require_columns(vertex["table"], index, row, vertex["columns"])
    vid, null_column = render_id(vertex["id"], row)
    if vid is None:
        raise MappingRowError(vertex["table"], index, null_column, "id column is NULL, so the row has no %s id" % vertex["label"])
    return [vid, vertex["label"]] + _property_fields(vertex["table"], index, vertex["properties"], row)


def edge_fields(edge, row, index=0):
    """The edge's CSV fields, or None when an endpoint column is NULL (an optional foreign key: no edge)."""
    _require_columns(edge["table"], index, row, edge["columns"])
    source, _ = render_id(edge["from"]["id"], row)
    target, _ = render_id(edge["to"]["id"], row)
    if source is None or target is None:
        return None
    eid, null_column = render_id(edge["id"], row, {"from": source, "to": target})
    if eid is None:
        raise MappingRowError(edge["table"], index, null_column, "edge id column is NULL, so the row has no %s edge id" % edge["label"])
    return [eid, source, target, edge["label"]] + _property_fields(edge["table"], index, edge["properties"], row)


def vertex_record(vertex, row, index=0):
    """(id, label, {property: typed value or list}) for a direct upsert; properties that are NULL are listed as None."""
    fields = vertex_fields(vertex, row, index)
    return fields[0], vertex["label"], _typed_properties(vertex, row, index)


def edge_record(edge, row, index=0):
    """(id, from id, to id, label, {property: typed value}) or None when an endpoint column is NULL."""
    fields = edge_fields(edge, row, index)
    if fields is None:
        return None
    return fields[0], fields[1], fields[2], edge["label"], _typed_properties(edge, row, index)


def _typed_properties(element, row, index):
    out = {}
    for prop in element["properties"]:
        value = row.get(prop["column"])
        try:
            if value is None:
                out[prop["name"]] = None
            elif prop["multi"]:
                out[prop["name"]] = [typed_value(prop["type"], v) for v in _items(prop, value)]
            else:
                out[prop["name"]] = typed_value(prop["type"], value)
        except ValueError as err:
            raise MappingRowError(element["table"], index, prop["column"], "%s (property %s:%s)" % (err, prop["name"], prop["type"]))
    return out


def vertex_csv(vertex, rows):
    lines = [csv_line(vertex["header"])] + [csv_line(vertex_fields(vertex, r, i)) for i, r in enumerate(rows)]
    return "\n".join(lines) + "\n"


def edge_csv(edge, rows):
    lines = [csv_line(edge["header"])]
    for i, r in enumerate(rows):
        fields = edge_fields(edge, r, i)
        if fields is not None:
            lines.append(csv_line(fields))
    return "\n".join(lines) + "\n"


def _main():
    """Test entry point: stdin {mapping, rows: {table: [...]}} -> stdout {label or folder: csv text}."""
    import sys

    request = json.load(sys.stdin)
    mapping = request["mapping"]
    out = {"vertices": {}, "edges": {}, "errors": []}
    for vertex in mapping["vertices"]:
        try:
            out["vertices"][vertex["folder"]] = vertex_csv(vertex, request["rows"].get(vertex["table"], []))
        except MappingRowError as err:
            out["errors"].append(str(err))
    for edge in mapping["edges"]:
        try:
            out["edges"][edge["folder"]] = edge_csv(edge, request["rows"].get(edge["table"], []))
        except MappingRowError as err:
            out["errors"].append(str(err))
    sys.stdout.write(json.dumps(out))



# ---------------------------------------------------------------------------------------------------------------
# Incremental watermarks: the state format the incremental job keeps (neptune_writer.run_incremental) and the export
# job seeds (export.py), one JSON object per element at <state_prefix><kind>-<folder>.json.

def encode_watermark(value):
    import datetime
    import decimal

    if isinstance(value, datetime.datetime):
        return {"type": "timestamp", "value": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"type": "date", "value": value.isoformat()}
    if isinstance(value, bool):
        raise ValueError("a boolean cannot be a watermark")
    if isinstance(value, (int, decimal.Decimal)):
        return {"type": "number", "value": str(value)}
    if isinstance(value, float):
        return {"type": "number", "value": repr(value)}
    if isinstance(value, str):
        return {"type": "string", "value": value}
    raise ValueError("a %s cannot be a watermark" % type(value).__name__)


def state_key(prefix, kind, element):
    return "%s%s-%s.json" % (prefix, kind, element["folder"])


if __name__ == "__main__":
    _main()
