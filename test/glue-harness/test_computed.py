"""Computed columns, aggregate tables and the post-load step (modules/glue-etl-pipeline/expressions.ts) run for real:
the expressions are type-checked and rendered to Spark SQL by the synthesized GlueEtlPipeline, evaluated by the real
transform job under PySpark (ANSI mode), loaded by the real load job into PostgreSQL, and compared with values computed
here in Python from the source rows (Decimal arithmetic, HALF_UP like Spark's decimal casts). Own engines and tables.
"""
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest

from harness import Pipeline, Services


# The expression tree as JSON, the shape the TypeScript helpers (col, lit, mul, caseWhen, ...) build.
def col(name):
    return {"col": name}


def lit(value, type_=None):
    return {"lit": value, **({"type": type_} if type_ else {})}


def arith(op, left, right):
    return {"arith": op, "left": left, "right": right}


def cmp(left, op, right):
    return {"compare": op, "left": left, "right": right}


ODD_TEXT = "can't \\ ship"  # a quote and a backslash: the Spark SQL string literal must escape both
TOTAL = arith("-", arith("*", col("qty"), col("unit_price")), {"coalesce": [col("discount"), lit(0)]})
TABLE = {
    "sourceTable": "shop.orders",
    "targetTable": "public.orders",
    "keyColumn": "id",
    "columns": [
        {"source": "id", "target": "order_id", "type": "bigint"},
        {"source": "customer_id", "type": "bigint"},
        {"source": "qty", "type": "int"},
        {"source": "unit_price", "type": "decimal(10,2)"},
        {"source": "discount", "type": "decimal(10,2)"},
        {"source": "status", "type": "string"},
        {"source": "ordered_at", "type": "timestamp"},
    ],
    "computed": [
        {"target": "total", "type": "decimal(14,2)", "expression": TOTAL},
        {"target": "size_class", "type": "string", "expression": {"case": [
            {"when": cmp(col("qty"), ">=", lit(10)), "then": lit("bulk")},
            {"when": cmp(col("qty"), "=", lit(0)), "then": lit("none")},
        ], "else": lit("single")}},
        {"target": "label", "type": "string", "expression": {"case": [
            {"when": cmp(col("status"), "=", lit("cancelled")), "then": lit(ODD_TEXT)},
        ], "else": col("status")}},
        # Division guarded by CASE: ANSI mode fails the run on a division by zero.
        {"target": "unit_share", "type": "decimal(20,6)", "expression": {"case": [
            {"when": cmp(col("qty"), "=", lit(0)), "then": lit(None)},
        ], "else": arith("/", col("unit_price"), col("qty"))}},
        {"target": "big_discounted", "type": "boolean", "expression": {"and": [
            cmp(col("qty"), ">=", lit(10)), {"not": {"isNull": col("discount")}},
        ]}},
    ],
    "aggregates": [{
        "targetTable": "public.customer_totals",
        "groupBy": ["customer_id"],
        "where": cmp(col("status"), "<>", lit("cancelled")),
        "measures": [
            {"target": "order_count", "type": "bigint", "fn": "count"},
            {"target": "revenue", "type": "decimal(18,2)", "fn": "sum", "of": TOTAL},
            {"target": "max_qty", "type": "int", "fn": "max", "of": col("qty")},
            {"target": "first_order", "type": "timestamp", "fn": "min", "of": col("ordered_at")},
            {"target": "avg_price", "type": "decimal(18,6)", "fn": "avg", "of": col("unit_price")},
            {"target": "discounted", "type": "bigint", "fn": "count", "of": col("discount")},
        ],
    }],
}
POST_LOAD = ["CREATE OR REPLACE VIEW public.big_customers AS "
             "SELECT customer_id, revenue FROM public.customer_totals WHERE revenue > 1000"]

SCHEMA = """
CREATE DATABASE shop CHARACTER SET utf8mb4;
USE shop;
CREATE TABLE orders (
  id BIGINT NOT NULL PRIMARY KEY,
  customer_id BIGINT NULL,
  qty INT NOT NULL,
  unit_price DECIMAL(10,2) NOT NULL,
  discount DECIMAL(10,2) NULL,
  status VARCHAR(20) NOT NULL,
  ordered_at DATETIME(3) NOT NULL
);
INSERT INTO orders VALUES
 (1, 1, 3, 19.99, NULL, 'paid', '2025-01-01 10:00:00.125'),
 (2, 1, 12, 5.00, 2.50, 'paid', '2025-01-02 11:00:00'),
 (3, 2, 0, 7.00, NULL, 'paid', '2025-01-03 12:00:00'),
 (4, 2, 1, 99999999.99, 0.01, 'cancelled', '2024-12-31 23:59:59.999'),
 (5, NULL, 2, 1.10, NULL, 'paid', '2025-01-04 00:00:00'),
 (6, 3, 7, 0.03, NULL, 'shipped', '2025-01-05 00:00:00');
INSERT INTO orders
 SELECT 100 + seq, seq % 4 + 1, seq % 15, 10.00 + seq / 100, IF(seq % 3 = 0, seq / 10, NULL),
        ELT(seq % 3 + 1, 'paid', 'shipped', 'cancelled'), TIMESTAMP('2025-02-01') + INTERVAL seq MINUTE
 FROM seq_1_to_400;
"""

CENT = Decimal("0.01")
MICRO = Decimal("0.000001")


def q(value, step):
    return None if value is None else Decimal(value).quantize(step, rounding=ROUND_HALF_UP)


def source_orders(services):
    conn = services.mysql_connect("shop")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT id, customer_id, qty, unit_price, discount, status, ordered_at FROM orders ORDER BY id")
            return cur.fetchall()
    finally:
        conn.close()


def expected_orders(rows):
    out = {}
    for id_, customer, qty, price, discount, status, at in rows:
        total = q(qty * price - (discount if discount is not None else 0), CENT)
        size = "bulk" if qty >= 10 else "none" if qty == 0 else "single"
        label = ODD_TEXT if status == "cancelled" else status
        share = None if qty == 0 else q(price / Decimal(qty), MICRO)
        big = qty >= 10 and discount is not None
        out[id_] = (total, size, label, share, big)
    return out


def expected_totals(rows):
    groups = {}
    for id_, customer, qty, price, discount, status, at in rows:
        if customer is None or status == "cancelled":
            continue
        groups.setdefault(customer, []).append((qty, price, discount, at))
    out = {}
    for customer, items in groups.items():
        revenue = sum(q(qty * price - (d if d is not None else 0), CENT) for qty, price, d, _ in items)
        out[customer] = (
            len(items),
            q(revenue, CENT),
            max(qty for qty, *_ in items),
            min(at for *_, at in items),
            q(sum(price for _, price, *_ in items) / Decimal(len(items)), MICRO),
            sum(1 for _, _, d, _ in items if d is not None),
        )
    return out


def utc(value):
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def target_orders(services):
    with services.pg_connect() as conn:
        rows = conn.execute("SELECT order_id, total, size_class, label, unit_share, big_discounted "
                            "FROM public.orders ORDER BY order_id").fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def target_totals(services, with_version=False):
    extra = ", xmin::text" if with_version else ""
    with services.pg_connect() as conn:
        rows = conn.execute("SELECT customer_id, order_count, revenue, max_qty, first_order, avg_price, discounted"
                            f"{extra} FROM public.customer_totals ORDER BY customer_id").fetchall()
    return {r[0]: tuple(utc(v) for v in r[1:]) for r in rows}


@pytest.fixture(scope="module")
def env():
    services = Services().start()
    try:
        services.mysql_root(SCHEMA)
        pipeline = Pipeline(services, [TABLE], createTargetTables=True, postLoadSql=POST_LOAD, loadParallelism=2)
        yield services, pipeline
    finally:
        services.stop()


def test_plan_carries_the_rendered_expressions(env):
    _, pipeline = env
    table = pipeline.plan["tables"][0]
    total = next(c for c in table["computed"] if c["target"] == "total")
    assert total["sql"] == "CAST(((`qty` * `unit_price`) - coalesce(`discount`, 0)) AS DECIMAL(14,2))"
    aggregate = table["aggregates"][0]
    assert aggregate["selectSql"].startswith("SELECT `customer_id` AS `customer_id`, CAST(count(*) AS BIGINT) AS `order_count`")
    assert "`customer_id` IS NOT NULL" in aggregate["selectSql"]
    assert pipeline.plan["postLoadSql"] == POST_LOAD


def test_computed_columns_aggregates_and_post_load_view(env):
    services, pipeline = env
    pipeline.run_all("computed-1")
    rows = source_orders(services)
    expected = expected_orders(rows)
    actual = target_orders(services)
    assert len(actual) == len(expected)
    mismatches = [(k, expected[k], actual.get(k)) for k in expected if actual.get(k) != expected[k]]
    assert not mismatches[:5], f"{len(mismatches)} orders differ, first: {mismatches[:5]}"
    assert actual[4][2] == ODD_TEXT and actual[3][3] is None and actual[3][1] == "none"

    totals = expected_totals(rows)
    got = target_totals(services)
    assert got == totals
    assert None not in got  # the order without a customer is not aggregated
    with services.pg_connect() as conn:
        view = dict(conn.execute("SELECT customer_id, revenue FROM public.big_customers").fetchall())
    assert view == {c: t[1] for c, t in totals.items() if t[1] > 1000}
    assert view  # the data makes the view non-empty


def test_changed_source_rows_update_only_their_aggregates(env):
    services, pipeline = env
    before = target_totals(services, with_version=True)
    # Customer 3: a new order and a changed one; every other customer's rows stay as they are.
    services.mysql_root("UPDATE orders SET qty = 9 WHERE id = 6; "
                        "INSERT INTO orders VALUES (7, 3, 1, 2.00, NULL, 'paid', '2025-03-01 00:00:00');", database="shop")
    pipeline.run_all("computed-2")
    rows = source_orders(services)
    assert target_totals(services) == expected_totals(rows)
    assert target_orders(services) == expected_orders(rows)
    after = target_totals(services, with_version=True)
    rewritten = sorted(k for k in after if after[k][-1] != before[k][-1])
    assert rewritten == [3]  # the upsert left the unchanged groups' rows alone (same xmin)
