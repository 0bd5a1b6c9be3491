"""TEST DOUBLE of awsglue.utils (see awsglue/__init__.py): getResolvedOptions, reproducing awsglue's argparse parser.

Glue starts the script with `--key value` pairs (the job's DefaultArguments overridden by the run's Arguments, plus
--JOB_ID, --JOB_RUN_ID, ...). Each name the script asks for becomes a *required* option `--<name>`; Glue's own options
are declared optional (with their choices); every other argument is ignored (parse_known_args). A parse error raises
GlueArgumentError instead of exiting. argparse keeps '-' and '_' apart: `--run-id` never satisfies `--run_id`.
Same reproduction as test/unit/glue/python/resolve_options.py (which the synth tests use without PySpark).
"""
import argparse

BOOKMARK_CHOICES = ["job-bookmark-enable", "job-bookmark-pause", "job-bookmark-disable"]
CONTINUATION_CHOICES = ["continuation-enabled", "continuation-readonly", "continuation-ignore"]
RESERVED = ["job-bookmark-option", "continuation-option", "job-bookmark-from", "job-bookmark-to", "JOB_ID", "JOB_RUN_ID",
            "SECURITY_CONFIGURATION", "encryption-type"]


class GlueArgumentError(Exception):
    pass


class GlueArgumentParser(argparse.ArgumentParser):
    def error(self, message):
        raise GlueArgumentError(message)


def getResolvedOptions(args, options):  # noqa: N802 (awsglue's name)
    parser = GlueArgumentParser()
    for name in options:
        if name in RESERVED:
            raise RuntimeError("Using reserved arguments --" + name)
    parser.add_argument("--job-bookmark-option", choices=BOOKMARK_CHOICES, required=False)
    parser.add_argument("--continuation-option", choices=CONTINUATION_CHOICES, required=False)
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
    parsed, _unknown = parser.parse_known_args(args[1:])
    return vars(parsed)
