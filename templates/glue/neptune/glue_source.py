"""Reading mapped source tables from the Glue catalog (crawled from MySQL through the JDBC connection)."""


def resolve_columns(table, available, wanted):
    """Maps mapping column names to the catalog's (case-insensitive: MySQL names are, the crawler lower-cases them)."""
    by_lower = {}
    for name in available:
        by_lower.setdefault(name.lower(), name)
    missing = [c for c in wanted if c.lower() not in by_lower]
    if missing:
        raise ValueError("table %s has no column(s) %s; catalog columns: %s. Re-run the crawler or fix the mapping."
                         % (table, ", ".join(missing), ", ".join(sorted(available))))
    return [(by_lower[c.lower()], c) for c in wanted]


def read_options(element, hashpartitions):
    """from_catalog's additional_options for a parallel read of the element's table, or {} for one query.

    Glue's documented JDBC parallel read ("Reading from JDBC tables in parallel",
    https://docs.aws.amazon.com/glue/latest/dg/run-jdbc-parallel-read-job.html): `hashfield` names the column whose
    hashed value picks the partition, `hashpartitions` the number of non-overlapping queries. The field is the first
    column the element reads (a vertex: its id's first column; an edge: its from endpoint's first column), a key that
    spreads rows evenly in a usual schema."""
    hashpartitions = int(hashpartitions)
    if hashpartitions <= 1:
        return {}
    return {"hashfield": element["columns"][0], "hashpartitions": str(hashpartitions)}


def read_table(glue_context, database, table_prefix, element, transformation_ctx, additional_options=None):
    """The element's columns as a DataFrame, renamed to the mapping's column names."""
    catalog_table = (table_prefix + element["table"]).lower()
    frame = glue_context.create_dynamic_frame.from_catalog(
        database=database,
        table_name=catalog_table,
        transformation_ctx=transformation_ctx,
        additional_options=additional_options or {},
    )
    df = frame.toDF()
    pairs = resolve_columns(element["table"], df.columns, element["columns"])
    return df.select(*[df[source].alias(target) for source, target in pairs])
