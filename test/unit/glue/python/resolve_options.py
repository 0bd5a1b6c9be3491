"""Resolves Glue job arguments the way awsglue.utils.getResolvedOptions does, for tests that have no awsglue.

What it reproduces (AWS Glue, "Accessing parameters using getResolvedOptions",
https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-extensions-get-resolved-options.html, and the
behaviour of awsglue's argparse-based parser): Glue starts the script with `--key value` pairs (the job's
DefaultArguments overridden by the run's Arguments, plus --JOB_NAME, --JOB_ID, --JOB_RUN_ID); every name the script
asks for becomes a *required* argparse option `--<name>`; Glue's own options (`--job-bookmark-option` with its three
choices, `--continuation-option`, `--job-bookmark-from/-to`, `--JOB_ID`, `--JOB_RUN_ID`, `--SECURITY_CONFIGURATION`,
`--encryption-type`, `--TempDir`, `--RedshiftTempDir`) are declared optional; everything else is ignored by
parse_known_args. A parse error raises instead of exiting. argparse keeps '-' and '_' apart, so `--run-id` never
satisfies a required `--run_id`.

Input (stdin): [{"id": ..., "options": [names], "argv": ["script.py", "--k", "v", ...]}, ...]
Output (stdout): [{"id": ..., "ok": bool, "error": str|null, "resolved": {...}|null}, ...]
"""
import argparse
import json
import sys


class ResolveError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise ResolveError(message)


BOOKMARK_CHOICES = ["job-bookmark-enable", "job-bookmark-pause", "job-bookmark-disable"]
RESERVED = {"job-bookmark-option", "continuation-option", "job-bookmark-from", "job-bookmark-to", "JOB_ID",
            "JOB_RUN_ID", "SECURITY_CONFIGURATION", "encryption-type"}


def resolve(argv, options):
    parser = _Parser()
    for name in options:
        if name in RESERVED:
            raise RuntimeError("Using reserved arguments --" + name)
    parser.add_argument("--job-bookmark-option", choices=BOOKMARK_CHOICES, required=False)
    parser.add_argument("--continuation-option", choices=["continuation-enabled", "continuation-readonly", "continuation-ignore"], required=False)
    parser.add_argument("--job-bookmark-from", required=False)
    parser.add_argument("--job-bookmark-to", required=False)
    for name in ("--JOB_ID", "--JOB_RUN_ID", "--SECURITY_CONFIGURATION"):
        parser.add_argument(name, required=False)
    parser.add_argument("--encryption-type", choices=["sse-s3"])
    parser.add_argument("--RedshiftTempDir", required=False)
    parser.add_argument("--TempDir", required=False)
    for name in options:
        if name in ("TempDir", "RedshiftTempDir"):
            continue
        parser.add_argument("--" + name, required=True)
    parsed, _unknown = parser.parse_known_args(argv[1:])
    return vars(parsed)


def main():
    out = []
    for case in json.load(sys.stdin):
        try:
            resolved = resolve(case["argv"], case["options"])
            out.append({"id": case["id"], "ok": True, "error": None, "resolved": resolved})
        except (ResolveError, RuntimeError) as err:
            out.append({"id": case["id"], "ok": False, "error": str(err), "resolved": None})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
