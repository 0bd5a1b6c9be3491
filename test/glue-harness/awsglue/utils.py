"""TEST DOUBLE of awsglue.utils (see awsglue/__init__.py): getResolvedOptions, reproducing awsglue's argparse parser.

Glue starts the script with `--key value` pairs (the job's DefaultArguments overridden by the run's Arguments, plus
--JOB_ID, --JOB_RUN_ID, ...). Each name the script asks for becomes a *required* option `--<name>`; Glue's own options
are declared optional (with their choices); every other argument is ignored (parse_known_args). A parse error raises
GlueArgumentError instead of exiting. argparse keeps '-' and '_' apart: `--run-id` never satisfies `--run_id`.
The parser itself is test/unit/glue/python/resolve_options.py, the one the synth tests run over every synthesized
job: one reproduction, so the scripts here and the job definitions there are judged the same way.
"""
import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "resolve_options", Path(__file__).resolve().parents[2] / "unit" / "glue" / "python" / "resolve_options.py")
_resolve_options = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_resolve_options)


class GlueArgumentError(Exception):
    pass


def getResolvedOptions(args, options):  # noqa: N802 (awsglue's name)
    try:
        return _resolve_options.resolve(args, options)
    except _resolve_options.ResolveError as err:
        raise GlueArgumentError(str(err)) from None
