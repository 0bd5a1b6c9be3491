"""The awsglue test double parses job arguments as awsglue does (its parser is test/unit/glue/python/resolve_options.py,
shared with the synth tests): required underscore names, Glue's own options optional with their choices, unknown
arguments ignored, failures raised as GlueArgumentError."""
import pytest

from awsglue.utils import GlueArgumentError, getResolvedOptions

GLUE_OWN = {"job_bookmark_option": None, "continuation_option": None, "job_bookmark_from": None, "job_bookmark_to": None,
            "JOB_ID": None, "JOB_RUN_ID": None, "SECURITY_CONFIGURATION": None, "encryption_type": None,
            "RedshiftTempDir": None, "TempDir": None}

CASES = [
    # unknown arguments (Glue's --enable-metrics) are ignored
    (["s.py", "--JOB_NAME", "j", "--run_id", "r1", "--enable-metrics", "true"], ["JOB_NAME", "run_id"], {"JOB_NAME": "j", "run_id": "r1"}),
    # a repeated argument: the last one wins
    (["s.py", "--JOB_NAME", "j", "--run_id", "a", "--run_id", "b"], ["JOB_NAME", "run_id"], {"JOB_NAME": "j", "run_id": "b"}),
    # Glue's own options keep their hyphenated names' dest; TempDir is optional even when asked for
    (["s.py", "--JOB_NAME", "j", "--job-bookmark-option", "job-bookmark-disable", "--TempDir", "s3://t/"], ["JOB_NAME", "TempDir"],
     {"JOB_NAME": "j", "job_bookmark_option": "job-bookmark-disable", "TempDir": "s3://t/"}),
]
FAILURES = [
    (["s.py", "--JOB_NAME", "j", "--run-id", "r1"], ["JOB_NAME", "run_id"], "the following arguments are required: --run_id"),  # '-' is not '_'
    (["s.py", "--JOB_NAME", "j", "--job-bookmark-option", "on"], ["JOB_NAME"], "argument --job-bookmark-option: invalid choice: 'on'"),
]


@pytest.mark.parametrize("argv,options,expected", CASES)
def test_resolves_as_awsglue(argv, options, expected):
    assert getResolvedOptions(argv, options) == {**GLUE_OWN, **expected}


@pytest.mark.parametrize("argv,options,message", FAILURES)
def test_fails_as_awsglue(argv, options, message):
    with pytest.raises(GlueArgumentError) as err:
        getResolvedOptions(argv, options)
    assert str(err.value).startswith(message)


def test_fails_on_a_reserved_name():
    with pytest.raises(RuntimeError, match="reserved arguments --JOB_ID"):
        getResolvedOptions(["s.py", "--JOB_ID", "x"], ["JOB_ID"])
