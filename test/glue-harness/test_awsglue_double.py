"""The awsglue test double parses job arguments exactly like the reproduction the synth tests use
(test/unit/glue/python/resolve_options.py), including its failures."""
import importlib.util
from pathlib import Path

import pytest

from awsglue.utils import GlueArgumentError, getResolvedOptions

spec = importlib.util.spec_from_file_location(
    "resolve_options", Path(__file__).resolve().parents[1] / "unit" / "glue" / "python" / "resolve_options.py")
resolve_options = importlib.util.module_from_spec(spec)
spec.loader.exec_module(resolve_options)

CASES = [
    (["s.py", "--JOB_NAME", "j", "--run_id", "r1", "--enable-metrics", "true"], ["JOB_NAME", "run_id"]),
    (["s.py", "--JOB_NAME", "j", "--run_id", "a", "--run_id", "b"], ["JOB_NAME", "run_id"]),  # the last one wins
    (["s.py", "--JOB_NAME", "j", "--job-bookmark-option", "job-bookmark-disable", "--TempDir", "s3://t/"], ["JOB_NAME", "TempDir"]),
]
FAILURES = [
    (["s.py", "--JOB_NAME", "j", "--run-id", "r1"], ["JOB_NAME", "run_id"]),  # '-' is not '_'
    (["s.py", "--JOB_NAME", "j", "--job-bookmark-option", "on"], ["JOB_NAME"]),  # not one of the choices
]


@pytest.mark.parametrize("argv,options", CASES)
def test_resolves_like_the_reproduction(argv, options):
    assert getResolvedOptions(argv, options) == resolve_options.resolve(argv, options)


@pytest.mark.parametrize("argv,options", FAILURES)
def test_fails_like_the_reproduction(argv, options):
    with pytest.raises(resolve_options.ResolveError) as expected:
        resolve_options.resolve(argv, options)
    with pytest.raises(GlueArgumentError) as actual:
        getResolvedOptions(argv, options)
    assert str(actual.value) == str(expected.value)


def test_fails_on_a_reserved_name():
    with pytest.raises(RuntimeError, match="reserved arguments --JOB_ID"):
        getResolvedOptions(["s.py", "--JOB_ID", "x"], ["JOB_ID"])
