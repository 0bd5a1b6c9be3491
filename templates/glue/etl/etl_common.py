"""Shared helpers of the extract, transform and load jobs (shipped with --extra-py-files).

Pure functions at module level (unit-tested without Spark); AWS clients are created lazily. The SQL the jobs run
comes from the plan generated and validated at synth (modules/glue-etl-pipeline/mapping.ts): the scripts only
substitute run-time placeholders, each checked before use.
"""
import hashlib
import json
import re

RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
MIN_KEY = -(2 ** 63)  # below every signed 64-bit key: a full read starts here
HEX8 = re.compile(r"^[0-9a-f]{8}$")
PLACEHOLDER = re.compile(r"\{([a-z]+)\}")

JDBC_DRIVERS = {"mysql": "com.mysql.cj.jdbc.Driver", "postgresql": "org.postgresql.Driver"}
# TLS on every JDBC session (the Glue connection enforces it for Glue-managed reads; these cover the driver's own).
TLS_PROPERTIES = {"mysql": {"sslMode": "REQUIRED"}, "postgresql": {"sslmode": "require"}}
# Batched statements: one network round trip per batch instead of per row.
BATCH_PROPERTIES = {"mysql": {"rewriteBatchedStatements": "true"}, "postgresql": {"reWriteBatchedInserts": "true"}}
# MySQL/MariaDB zero dates ('0000-00-00', '0000-00-00 00:00:00', allowed when sql_mode lacks NO_ZERO_DATE) exist in
# neither Spark nor Postgres. Connector/J's default (EXCEPTION) fails the whole extract on the first one with "Zero date
# value prohibited" (found running extract.py against MariaDB); they are read as NULL instead.
VALUE_PROPERTIES = {"mysql": {"zeroDateTimeBehavior": "CONVERT_TO_NULL"}, "postgresql": {}}


class EtlError(Exception):
    """A failure that names the table and what was left untouched."""


def check_run_id(run_id):
    if not RUN_ID.match(run_id or ""):
        raise EtlError(f"run id {run_id!r} must be 1-80 letters, digits, '-' or '_' (a Step Functions execution name)")
    return run_id


def run_suffix(run_id):
    """8 hex characters derived from the run ID: names the staging table of this run."""
    return hashlib.sha256(check_run_id(run_id).encode("utf-8")).hexdigest()[:8]


def fill(sql, **values):
    """Substitutes {name} placeholders; every placeholder must be given and every value pre-validated."""
    names = set(PLACEHOLDER.findall(sql))
    missing = names - set(values)
    if missing:
        raise EtlError(f"SQL template needs {sorted(missing)}: {sql}")
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), sql)


def page_sql(table, after, limit):
    """The keyset page query; `after` and `limit` must be integers (they are inlined, never quoted text)."""
    if isinstance(after, bool) or not isinstance(after, int):
        raise EtlError(f"{table['sourceTable']}: keyset position must be an integer, got {after!r}")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise EtlError(f"{table['sourceTable']}: page size must be a positive integer, got {limit!r}")
    return fill(table["extractSql"], after=after, limit=limit)


def start_after(table, state):
    """Where extraction starts: after the committed watermark for `append` tables, else from the first key."""
    if table.get("mode", "full") != "append" or state is None:
        return MIN_KEY
    last = state.get("lastKey")
    if isinstance(last, bool) or not isinstance(last, int):
        raise EtlError(f"{table['sourceTable']}: watermark {table['watermarkKey']} holds {last!r}, not an integer key; "
                       "fix or delete it (deleting re-reads the whole table, which the upsert makes safe)")
    return last


def advanced_watermark(table, state, last_key, run_id):
    """The watermark to commit once the load of `table` committed, or None when it must not move.

    Only `append` tables have one; it only moves forward, to the last key this run extracted.
    """
    if table.get("mode", "full") != "append" or last_key is None:
        return None
    if isinstance(last_key, bool) or not isinstance(last_key, int):
        raise EtlError(f"{table['sourceTable']}: last extracted key {last_key!r} is not an integer")
    if last_key <= start_after(table, state):
        return None
    return {"lastKey": last_key, "runId": check_run_id(run_id)}


def stage_name(table, run_id):
    suffix = run_suffix(run_id)
    assert HEX8.match(suffix)
    return fill(table["stageTable"], suffix=suffix)


def check_columns(table, actual_columns):
    """Schema drift check: every source column is mapped or excluded, and every mapped column exists.

    Returns a list of problems (empty when the extracted columns match the declared mapping).
    """
    actual = {c.lower(): c for c in actual_columns}
    mapped = {c["source"].lower() for c in table["columns"]}
    excluded = {c.lower() for c in table.get("exclude", [])}
    problems = []
    unexpected = sorted(actual[c] for c in actual if c not in mapped and c not in excluded)
    if unexpected:
        problems.append(
            f"{table['sourceTable']}: unexpected column(s) {', '.join(unexpected)}; map them or add them to exclude"
        )
    missing = sorted(c["source"] for c in table["columns"] if c["source"].lower() not in actual)
    if missing:
        problems.append(f"{table['sourceTable']}: mapped column(s) {', '.join(missing)} not found in the source")
    return problems


def projection(table, actual_columns):
    """(source column as extracted, Spark type, target name) for each mapped column, in mapping order."""
    actual = {c.lower(): c for c in actual_columns}
    return [(actual[c["source"].lower()], c["type"], c["target"]) for c in table["columns"]]


def run_prefix(stage, run_id, table):
    """S3 key prefix of one table's data for one run and stage (extract/transform)."""
    if stage not in ("extract", "transform"):
        raise EtlError(f"unknown stage {stage!r}")
    return f"runs/{check_run_id(run_id)}/{stage}/{table['slug']}/"


def aggregate_prefix(run_id, table, aggregate):
    """S3 key prefix of one aggregate table's rows for one run (under its source table's transform prefix)."""
    return f"{run_prefix('transform', run_id, table)}aggregates/{aggregate['slug']}/"


def parse_s3_uri(uri):
    m = re.match(r"^s3://([^/]+)/(.+)$", uri or "")
    if not m:
        raise EtlError(f"not an s3:// URI: {uri!r}")
    return m.group(1), m.group(2)


def jdbc_properties(engine, username, password):
    """Driver properties for Spark JDBC and DriverManager: credentials, TLS, batched inserts, zero dates as NULL."""
    if engine not in JDBC_DRIVERS:
        raise EtlError(f"unsupported engine {engine!r}")
    props = {"user": username, "password": password, "driver": JDBC_DRIVERS[engine]}
    props.update(TLS_PROPERTIES[engine])
    props.update(BATCH_PROPERTIES[engine])
    props.update(VALUE_PROPERTIES[engine])
    return props


# ---- AWS adapters (lazy imports: boto3 exists in Glue, not in the unit tests) ----

def s3_client():
    import boto3

    return boto3.client("s3")


def read_json(uri):
    bucket, key = parse_s3_uri(uri)
    body = s3_client().get_object(Bucket=bucket, Key=key)["Body"].read()
    return json.loads(body.decode("utf-8"))


def read_json_if_exists(bucket, key):
    """The JSON object at `key`, or None when there is none (checked by listing, so a permission error still fails)."""
    listing = s3_client().list_objects_v2(Bucket=bucket, Prefix=key, MaxKeys=1)
    if not any(o["Key"] == key for o in listing.get("Contents", [])):
        return None
    return read_json(f"s3://{bucket}/{key}")


def write_json(bucket, key, value):
    s3_client().put_object(Bucket=bucket, Key=key, Body=json.dumps(value, sort_keys=True).encode("utf-8"),
                           ContentType="application/json")


def delete_prefix(bucket, prefix):
    """Removes one run's objects for one table (a retried run starts clean); returns how many were removed."""
    client = s3_client()
    removed = 0
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
        for i in range(0, len(keys), 1000):
            client.delete_objects(Bucket=bucket, Delete={"Objects": keys[i:i + 1000], "Quiet": True})
            removed += len(keys[i:i + 1000])
    return removed


def credentials(secret_arn):
    """username/password from a Secrets Manager secret (never logged)."""
    import boto3

    value = json.loads(boto3.client("secretsmanager").get_secret_value(SecretId=secret_arn)["SecretString"])
    if "username" not in value or "password" not in value:
        raise EtlError(f"secret {secret_arn} must hold JSON with username and password")
    return value["username"], value["password"]


def load_plan(uri):
    plan = read_json(uri)
    if plan.get("version") != 1:
        raise EtlError(f"plan {uri} has version {plan.get('version')!r}; this script reads version 1")
    return plan


def log(logger, message, **context):
    """One structured line: message plus context (counts, tables, durations; never row data or secrets)."""
    logger.info(json.dumps({"message": message, **context}, sort_keys=True, default=str))
