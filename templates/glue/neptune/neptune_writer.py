"""Batched, idempotent upserts into Neptune (Gremlin mergeV/mergeE) and the incremental run protocol, shared by
direct.py and incremental.py. gremlin_python and boto3 are imported only where a connection is opened, so the
planning and protocol functions run (and are tested) without them.

Upsert semantics per element, from the compiled mapping:
- vertex: mergeV on (id, label); every mapped property is set with single cardinality; a NULL source value drops
  the property; a multi-valued property is replaced as a whole (drop, then add each value with set cardinality).
- edge: mergeE on (id, label, from, to); properties set (edges are single-valued), NULL drops.
Running the same rows twice leaves the graph as after one run.

Values are sent with the Gremlin type the mapping names (Long, Short, Byte, Float), as the bulk loader stores them: a
plain Python int goes out as a 32-bit Int in GraphBinary (gremlinpython 3.7), so a Long above 2^31-1 could not be
sent at all and a small Long would land as an Int; a plain float goes out as a Double, and gremlinpython has no Float
type of its own, so open_graph registers its GraphBinary Float writer for GremlinFloat values.
Steps use gremlinpython 3.7's names (merge_v, merge_e, side_effect): it has no mergeV/mergeE attributes.
test/gremlin runs these functions against a real Gremlin Server.
"""
import json
import time

import neptune_mapping as nm

RETRYABLE_MARKERS = ("ConcurrentModificationException", "ReadOnlyViolationException", "TimeLimitExceededException",
                     "ConnectionClosed", "Connection was closed", "ServerDisconnected", "timed out", "Throttling")


# ---------------------------------------------------------------------------------------------------------------
# Planning: rows -> a list of steps, pure.

def plan_vertices(vertex, rows, start_index=0):
    """[("mergeV", id, label), ("drop", name) | ("single", name, value) | ("set", name, value), ...] for a batch.

    Values of the mapping's Long, Short, Byte and Float properties are GremlinLong / GremlinShort / GremlinByte /
    GremlinFloat (numbers equal to the plain value), so build_traversal can send them with that Gremlin type.
    """
    steps = []
    types = _types(vertex)
    for offset, row in enumerate(rows):
        vid, label, props = nm.vertex_record(vertex, row, start_index + offset)
        steps.append(("mergeV", vid, label))
        _property_steps(steps, props, types, multi_allowed=True)
    return steps


def plan_edges(edge, rows, start_index=0):
    """[("mergeE", id, label, from, to), ("drop", name) | ("single", name, value), ...]; rows with a NULL endpoint are skipped."""
    steps = []
    skipped = 0
    types = _types(edge)
    for offset, row in enumerate(rows):
        record = nm.edge_record(edge, row, start_index + offset)
        if record is None:
            skipped += 1
            continue
        eid, source, target, label, props = record
        steps.append(("mergeE", eid, label, source, target))
        _property_steps(steps, props, types, multi_allowed=False)
    return steps, skipped


class GremlinLong(int):
    """An int the mapping types Long: sent as a Gremlin Long (64-bit), whatever its size."""


class GremlinShort(int):
    """An int the mapping types Short: sent as a Gremlin Short."""


class GremlinByte(int):
    """An int the mapping types Byte: sent as a Gremlin Byte."""


class GremlinFloat(float):
    """A float the mapping types Float: sent as a Gremlin Float (32-bit), as the bulk loader stores a Float column."""


_TYPE_MARKERS = {"Long": GremlinLong, "Short": GremlinShort, "Byte": GremlinByte, "Float": GremlinFloat}


def _types(element):
    return {p["name"]: p["type"] for p in element["properties"]}


def _marked(kind, value):
    marker = _TYPE_MARKERS.get(kind)
    return marker(value) if marker is not None else value


def _property_steps(steps, props, types, multi_allowed):
    for name in sorted(props):
        value = props[name]
        if value is None:
            steps.append(("drop", name))
        elif isinstance(value, list):
            if not multi_allowed:
                raise ValueError("edge property %s cannot hold several values" % name)
            steps.append(("drop", name))
            for item in value:
                steps.append(("set", name, _marked(types[name], item)))
        else:
            steps.append(("single", name, _marked(types[name], value)))


def batches(rows, size):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# ---------------------------------------------------------------------------------------------------------------
# Gremlin: plan -> traversal, with retries on transient errors.

def build_traversal(g, steps, gremlin):
    """Chains a plan into one traversal. `gremlin` carries T, Cardinality, Direction, __ and value() from gremlin_python."""
    t = None
    for step in steps:
        kind = step[0]
        if kind == "mergeV":
            match = {gremlin.T.id: step[1], gremlin.T.label: step[2]}
            t = g.merge_v(match) if t is None else t.merge_v(match)
        elif kind == "mergeE":
            match = {gremlin.T.id: step[1], gremlin.T.label: step[2], gremlin.Direction.OUT: step[3], gremlin.Direction.IN: step[4]}
            t = g.merge_e(match) if t is None else t.merge_e(match)
        elif kind == "drop":
            t = t.side_effect(gremlin.__.properties(step[1]).drop())
        elif kind == "single":
            t = t.property(gremlin.Cardinality.single, step[1], gremlin.value(step[2]))
        elif kind == "set":
            t = t.property(gremlin.Cardinality.set_, step[1], gremlin.value(step[2]))
        elif kind == "edge-property":
            t = t.property(step[1], gremlin.value(step[2]))
        else:
            raise ValueError("unknown plan step %r" % (kind,))
    return t


def edge_steps_for_gremlin(steps):
    """Edges take plain property(k, v): rewrite "single" steps of an edge plan."""
    return [("edge-property", s[1], s[2]) if s[0] == "single" else s for s in steps]


def is_retryable(error):
    text = "%s %s" % (type(error).__name__, error)
    return any(marker in text for marker in RETRYABLE_MARKERS)


def run_with_retries(action, describe, attempts=5, base_delay=0.5, sleep=time.sleep):
    """Runs `action()`; retries transient Neptune errors with exponential backoff; re-raises others with context."""
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except Exception as err:  # noqa: BLE001 - classified below, never swallowed
            if attempt == attempts or not is_retryable(err):
                raise RuntimeError("%s failed after %d attempt(s): %s" % (describe, attempt, err)) from err
            sleep(base_delay * (2 ** (attempt - 1)))
    raise AssertionError("unreachable")


class NeptuneConfig(object):
    def __init__(self, endpoint, port, iam_auth, region=None):
        self.endpoint = endpoint
        self.port = int(port)
        self.iam_auth = str(iam_auth).lower() == "true"
        self.region = region


def _signed_headers(config):
    """SigV4 headers for the WebSocket handshake (service neptune-db), from the job role's credentials."""
    if not config.iam_auth:
        return {}
    import boto3
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    session = boto3.Session()
    region = config.region or session.region_name
    request = AWSRequest(method="GET", url="https://%s:%d/gremlin" % (config.endpoint, config.port), data=None)
    SigV4Auth(session.get_credentials().get_frozen_credentials(), "neptune-db", region).add_auth(request)
    return dict(request.headers.items())


class _Gremlin(object):
    def __init__(self):
        from gremlin_python import statics
        from gremlin_python.process.graph_traversal import __
        from gremlin_python.process.traversal import Cardinality, Direction, T

        self.__ = __
        self.Cardinality = Cardinality
        self.Direction = Direction
        self.T = T
        self._wrap = {GremlinLong: statics.long, GremlinShort: statics.short, GremlinByte: statics.SingleByte}

    def value(self, value):
        """A planned value as gremlinpython must receive it to send the mapping's type."""
        wrap = self._wrap.get(type(value))
        return wrap(value) if wrap is not None else value


def open_graph(config):
    from gremlin_python.driver.driver_remote_connection import DriverRemoteConnection
    from gremlin_python.process.anonymous_traversal import traversal

    connection = DriverRemoteConnection("wss://%s:%d/gremlin" % (config.endpoint, config.port), "g", headers=_signed_headers(config),
                                        message_serializer=_message_serializer())
    return connection, traversal().with_remote(connection)


def _message_serializer():
    """gremlinpython's default GraphBinary serializer, plus its (otherwise unreachable) Float writer for GremlinFloat."""
    from gremlin_python.driver.serializer import GraphBinarySerializersV1
    from gremlin_python.structure.io.graphbinaryV1 import FloatIO, GraphBinaryWriter

    return GraphBinarySerializersV1(writer=GraphBinaryWriter(serializer_map={GremlinFloat: FloatIO}))


def upsert_partition(config, element, kind, rows, batch_size, partition=0):
    """Upserts one Spark partition in batches over one connection; returns (written, skipped)."""
    connection, g = open_graph(config)
    gremlin = _Gremlin()
    written = skipped = 0
    index = 0
    try:
        for batch in batches((r.asDict() if hasattr(r, "asDict") else r for r in rows), batch_size):
            if kind == "vertex":
                steps = plan_vertices(element, batch, index)
            else:
                steps, skipped_here = plan_edges(element, batch, index)
                steps = edge_steps_for_gremlin(steps)
                skipped += skipped_here
            if steps:
                describe = "upsert of %s rows %d-%d of table %s (partition %d)" % (element["label"], index, index + len(batch) - 1, element["table"], partition)
                run_with_retries(lambda: build_traversal(g, steps, gremlin).iterate(), describe)
            written += len(batch)
            index += len(batch)
    finally:
        connection.close()
    return written, skipped


# ---------------------------------------------------------------------------------------------------------------
# The incremental protocol: rows >= (last watermark - lookback) and <= the new watermark, upserted; watermarks saved
# only after every element succeeded, then the job is committed.
#
# Why a lookback: an update timestamp is not strictly monotonic in commit order. A transaction that stamps a row at
# 10:03 and commits at 10:06 is invisible to a run at 10:05 that saves 10:05 as its watermark; a `> 10:05` filter
# would skip that row forever, and so would a Glue job bookmark on the column (bookmark keys must be strictly
# monotonically increasing, https://docs.aws.amazon.com/glue/latest/dg/programming-etl-connect-bookmarks.html).
# Re-reading a window before the watermark catches every row committed within `lookback_seconds` of its stamp; the
# upserts are idempotent, so re-applying rows already written changes nothing.

# The watermark format and key are neptune_mapping's, shared with export.py (which records the watermark its export
# covered, so the first incremental run starts there) without shipping this module to the export job.
encode_watermark = nm.encode_watermark
state_key = nm.state_key


def decode_watermark(state):
    import datetime
    import decimal

    if state is None:
        return None
    kind, value = state["type"], state["value"]
    if kind == "timestamp":
        return datetime.datetime.fromisoformat(value)
    if kind == "date":
        return datetime.date.fromisoformat(value)
    if kind == "number":
        return decimal.Decimal(value) if any(c in value for c in ".eE") else int(value)
    return value


def window_start(last, lookback_seconds):
    """Inclusive lower bound of the rows a run reads: the last watermark minus the lookback.

    Timestamps go back `lookback_seconds`; dates go back whole days (at least one when the lookback is positive);
    numbers and strings cannot be shifted in time and start at the last value itself (rows equal to it are re-read).
    None (no watermark yet) reads everything.
    """
    import datetime
    import math

    if last is None:
        return None
    seconds = int(lookback_seconds)
    if seconds < 0:
        raise ValueError("lookback_seconds must be >= 0, got %r" % (lookback_seconds,))
    if isinstance(last, datetime.datetime):
        return last - datetime.timedelta(seconds=seconds)
    if isinstance(last, datetime.date):
        return last - datetime.timedelta(days=int(math.ceil(seconds / 86400.0)))
    return last


def in_window(value, start):
    """True when a row's watermark value is read by a run whose window starts at `start` (see window_start)."""
    return value is not None and (start is None or value >= start)


def run_incremental(mapping, read_changes, upsert, load_state, save_state, commit, log=print, lookback_seconds=0):
    """One incremental run.

    read_changes(kind, element, start) -> (rows_handle, new_watermark or None): rows whose watermark is in_window of
        start (>= start; every row when start is None) and <= new_watermark, the maximum watermark among the rows read;
    upsert(kind, element, rows_handle) -> count; load_state(key) -> dict or None; save_state(key, dict);
    commit() -> commits the Glue job.
    start = window_start(last watermark, lookback_seconds). The saved watermark never moves back (a run that re-read
    only the lookback window keeps the last one). Vertices go first so edges find their endpoints. Nothing is saved or
    committed unless every upsert succeeded.
    """
    pending = []
    totals = {}
    for kind, elements in (("vertex", mapping["vertices"]), ("edge", mapping["edges"])):
        for element in elements:
            key = state_key("", kind, element)
            last = decode_watermark(load_state(key))
            start = window_start(last, lookback_seconds)
            rows, new = read_changes(kind, element, start)
            if new is None:
                log(json.dumps({"message": "no changes", "kind": kind, "label": element["label"], "table": element["table"]}))
                continue
            count = upsert(kind, element, rows)
            totals["%s:%s" % (kind, element["label"])] = count
            if last is None or new > last:
                pending.append((key, encode_watermark(new)))
            log(json.dumps({"message": "upserted", "kind": kind, "label": element["label"], "table": element["table"], "rows": count,
                            "windowStart": None if start is None else str(start)}))
    for key, state in pending:
        save_state(key, state)
    commit()
    return totals
