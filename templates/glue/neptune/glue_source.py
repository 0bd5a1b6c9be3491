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
