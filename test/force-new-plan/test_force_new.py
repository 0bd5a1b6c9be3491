"""plan-review's FORCE_NEW table (tools/plan-review/diff.ts) derived from the provider itself (issue 19, section 2).

`tofu providers schema -json` does not say which attributes force replacement (its attribute objects carry type,
optional/required/computed, sensitive, deprecated, description and write_only only; checked on provider 5.100.0), so
the table is checked against plans: OpenTofu applies one resource of each type against moto, then plans a change of
every attribute the table lists for that type, plus attributes the table leaves out on purpose (in place), and reads
`resource_changes[].change.replace_paths` from `tofu show -json` (the attributes the provider marked RequiresReplace /
ForceNew). The test fails when an entry of the table does not force replacement, when a changed attribute outside the
table does, or when a type the table lists is not probed here without a reason.

Real: OpenTofu (the toolchain's) and terraform-provider-aws 5.100.0 from /opt/tf-plugins (the stacks pin 6.25.0, not
obtainable here; replacement rules can differ between major versions, so the table states the provider it was derived
from). Stand-in: moto_server keeps the applied resources so that the provider can refresh them; what moto does not do
that AWS does does not matter here, because replacement is decided by the provider's schema and CustomizeDiff before
any API call of the plan's change.
"""
import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from moto_plan import PROVIDER_REQUIREMENT, REGION, init, moto_provider_settings, moto_server, tofu

REPO = Path(__file__).resolve().parents[2]
SERVICES = ["rds", "s3", "kinesis", "dynamodb", "kms", "secretsmanager", "sqs", "sns", "iam", "ec2", "lambda", "sts", "neptune"]
KMS_ARN = "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})

# Types of the table not probed here, and why.
NOT_PROBED = {
    "aws_dms_replication_task": "needs a replication instance and two endpoints in moto; replication_task_id is ForceNew in the provider's source (internal/service/dms/replication_task.go)",
    "aws_neptune_cluster_instance": "moto 5.2.5 serves no Neptune instances the provider can read back",
}

# type -> (base arguments, rounds of {attribute: changed value} the table must list (None: the argument is removed, e.g.
# `bucket` when `bucket_prefix` is set, as they conflict), {attribute: changed value} it must not list)
CASES = {
    "aws_db_instance": (
        {"identifier": "fn-db", "engine": "postgres", "instance_class": "db.t4g.micro", "allocated_storage": 20, "username": "postgres",
         "password": "not-a-real-secret-1", "db_name": "app", "skip_final_snapshot": True, "apply_immediately": True, "storage_encrypted": False},
        [{"engine": "mysql", "storage_encrypted": True, "kms_key_id": KMS_ARN, "availability_zone": "eu-west-2b",
          "db_name": "app2", "username": "admin2", "character_set_name": "AL32UTF8"},
         {"snapshot_identifier": "fn-snap"}],
        # identifier: a rename in place since provider 5.0.0 (ModifyDBInstance NewDBInstanceIdentifier,
        # hashicorp/terraform-provider-aws#31232); this probe is how the table learned it.
        {"identifier": "fn-db-2", "instance_class": "db.t4g.small", "allocated_storage": 30, "backup_retention_period": 3, "db_subnet_group_name": "other-group",
         "tags": {"k": "v2"}},
    ),
    "aws_rds_cluster": (
        {"cluster_identifier": "fn-cluster", "engine": "aurora-postgresql", "master_username": "postgres", "master_password": "not-a-real-secret-1",
         "database_name": "app", "skip_final_snapshot": True, "apply_immediately": True, "storage_encrypted": False},
        [{"cluster_identifier": "fn-cluster-2", "engine": "aurora-mysql", "storage_encrypted": True, "kms_key_id": KMS_ARN, "database_name": "app2",
          "master_username": "admin2", "db_subnet_group_name": "other-group", "availability_zones": ["eu-west-2a"]},
         {"snapshot_identifier": "fn-snap"}],
        {"backup_retention_period": 3, "preferred_backup_window": "01:00-02:00", "tags": {"k": "v2"}},
    ),
    "aws_neptune_cluster": (
        {"cluster_identifier": "fn-graph", "skip_final_snapshot": True, "apply_immediately": True, "storage_encrypted": False},
        [{"cluster_identifier": "fn-graph-2", "storage_encrypted": True, "kms_key_arn": KMS_ARN, "neptune_subnet_group_name": "other-group",
          "availability_zones": ["eu-west-2a"]},
         {"snapshot_identifier": "fn-snap"}],
        {"backup_retention_period": 3, "tags": {"k": "v2"}},
    ),
    "aws_s3_bucket": (
        {"bucket": "fn-bucket", "force_destroy": True},
        [{"bucket": "fn-bucket-2", "object_lock_enabled": True}, {"bucket": None, "bucket_prefix": "fn-bucket-"}],
        {"force_destroy": False, "tags": {"k": "v2"}},
    ),
    "aws_kinesis_stream": (
        {"name": "fn-stream", "shard_count": 1},
        [{"name": "fn-stream-2"}],
        {"retention_period": 48, "shard_count": 2, "tags": {"k": "v2"}},
    ),
    "aws_dynamodb_table": (
        {"name": "fn-table", "billing_mode": "PAY_PER_REQUEST", "hash_key": "id", "range_key": "sk",
         "attribute": [{"name": "id", "type": "S"}, {"name": "sk", "type": "S"}]},
        [{"name": "fn-table-2", "hash_key": "sk", "range_key": "id"}],
        {"tags": {"k": "v2"}},
    ),
    "aws_kms_key": (
        {"description": "fn key", "deletion_window_in_days": 7},
        [{"customer_master_key_spec": "RSA_2048", "key_usage": "SIGN_VERIFY", "multi_region": True}],
        {"description": "fn key 2", "tags": {"k": "v2"}},
    ),
    "aws_secretsmanager_secret": (
        {"name": "fn-secret", "recovery_window_in_days": 0},
        [{"name": "fn-secret-2"}, {"name": None, "name_prefix": "fn-secret-"}],
        {"description": "changed", "tags": {"k": "v2"}},
    ),
    "aws_sqs_queue": (
        {"name": "fn-queue"},
        [{"name": "fn-queue-2.fifo", "fifo_queue": True}],
        {"visibility_timeout_seconds": 60, "tags": {"k": "v2"}},
    ),
    "aws_sns_topic": (
        {"name": "fn-topic"},
        [{"name": "fn-topic-2.fifo", "fifo_topic": True}],
        {"display_name": "changed", "tags": {"k": "v2"}},
    ),
    "aws_iam_role": (
        {"name": "fn-role", "assume_role_policy": TRUST},
        [{"name": "fn-role-2", "path": "/kit/"}],
        {"description": "changed", "max_session_duration": 7200, "tags": {"k": "v2"}},
    ),
    "aws_security_group": (
        {"name": "fn-sg", "description": "fn", "vpc_id": "${aws_vpc.probe.id}"},
        [{"name": "fn-sg-2", "description": "fn 2", "vpc_id": "vpc-0123456789abcdef0"}],
        {"tags": {"k": "v2"}},
    ),
    "aws_lambda_function": (
        {"function_name": "fn-function", "role": "${aws_iam_role.lambda.arn}", "handler": "index.handler", "runtime": "nodejs20.x", "filename": "fn.zip"},
        [{"function_name": "fn-function-2"}],
        {"memory_size": 256, "timeout": 30, "tags": {"k": "v2"}},
    ),
    "aws_rds_cluster_instance": (
        {"identifier": "fn-member", "cluster_identifier": "${aws_rds_cluster.member_of.id}", "engine": "aurora-postgresql", "instance_class": "db.r6g.large",
         "provider": "aws.second", "apply_immediately": True},
        [{"identifier": "fn-member-2", "cluster_identifier": "fn-other-cluster", "engine": "aurora-mysql"}],
        {"instance_class": "db.r6g.xlarge", "tags": {"k": "v2"}},
    ),
}

# Resources the probed ones refer to (not checked themselves).
SUPPORT = {
    "aws_vpc": {"probe": {"cidr_block": "10.42.0.0/16"}},
    "aws_iam_role": {"lambda": {"name": "fn-lambda-role", "assume_role_policy": TRUST}},
    "aws_rds_cluster": {"member_of": {"cluster_identifier": "fn-member-of", "engine": "aurora-postgresql", "master_username": "postgres",
                                      "master_password": "not-a-real-secret-1", "skip_final_snapshot": True, "provider": "aws.second"}},
}


def force_new_table():
    out = subprocess.run(["npx", "tsx", "test/force-new-plan/print-force-new.ts"], cwd=REPO, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def config(first_url, second_url, changes):
    """The whole configuration: each probed type as resource `probe`, with `changes[type]` applied over its base."""
    resources = {t: {name: dict(args) for name, args in named.items()} for t, named in SUPPORT.items()}
    for t, (base, _, _) in CASES.items():
        merged = {**base, "tags": {"k": "v"}, **changes.get(t, {})}
        resources.setdefault(t, {})["probe"] = {k: v for k, v in merged.items() if v is not None}
    return {
        "terraform": {"required_providers": {"aws": PROVIDER_REQUIREMENT}},
        "provider": {"aws": [
            {"region": REGION, **moto_provider_settings(first_url, SERVICES)},
            # moto gives every DB instance of one server the same DbiResourceId, by which the provider reads instances:
            # the Aurora member lives on a second server.
            {"alias": "second", "region": REGION, **moto_provider_settings(second_url, SERVICES)},
        ]},
        "resource": resources,
    }


def errors(text):
    """OpenTofu's diagnostics without the plan printed before them."""
    return text[text.find("Error:"):] if "Error:" in text else text[-3000:]


def write(workdir, tf):
    (workdir / "main.tf.json").write_text(json.dumps(tf, indent=1))


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """{type: [(changed attributes, replaced top-level attributes, actions)] } for each round of changes."""
    workdir = tmp_path_factory.mktemp("force-new")
    with zipfile.ZipFile(workdir / "fn.zip", "w") as z:
        z.writestr("index.js", "exports.handler = async () => 'ok';\n")
    moto = [os.environ["MOTO_SERVER"]]
    with moto_server(moto) as first, moto_server(moto) as second:
        write(workdir, config(first, second, {}))
        init(workdir)
        code, text = tofu(workdir, "apply", "-auto-approve", "-lock=false")
        assert code == 0, errors(text)
        rounds = max(len(c[1]) for c in CASES.values())
        results = {t: [] for t in CASES}
        for i in range(rounds):
            changes = {}
            for t, (_, force, in_place) in CASES.items():
                # Round 0 also changes the in-place attributes; later rounds only what cannot go with round 0.
                if i < len(force):
                    changes[t] = {**force[i], **(in_place if i == 0 else {})}
            write(workdir, config(first, second, changes))
            code, text = tofu(workdir, "plan", "-lock=false", "-out=probe.plan")
            assert code == 0, errors(text)
            shown = subprocess.run([os.environ["TOFU"], "show", "-json", "probe.plan"], cwd=workdir, capture_output=True, text=True,
                                   env={**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null"})
            assert shown.returncode == 0, shown.stderr
            plan = json.loads(shown.stdout)
            by_address = {rc["address"]: rc["change"] for rc in plan["resource_changes"]}
            for t, changed in changes.items():
                change = by_address[f"{t}.probe"]
                replaced = sorted({p[0] for p in change.get("replace_paths", []) if p})
                results[t].append(({a: v is None for a, v in changed.items()}, replaced, change["actions"]))
    return results


def test_every_type_of_the_table_is_probed_or_says_why():
    assert sorted(force_new_table()) == sorted([*CASES, *NOT_PROBED])


@pytest.mark.parametrize("resource_type", sorted(CASES))
def test_the_table_lists_exactly_the_changed_attributes_the_provider_replaces_for(resource_type, planned):
    table = set(force_new_table()[resource_type])
    _, force, in_place = CASES[resource_type]
    # Every attribute of the table is changed in some round (the probe covers the whole entry).
    assert sorted(table) == sorted({a for group in force for a in group}), "probe the table's attributes, and only them, as force-new changes"
    for changed, replaced, actions in planned[resource_type]:
        # A removed argument (its conflicting partner set instead) may or may not be named by the provider.
        expected = sorted(a for a, removed in changed.items() if a in table and not removed)
        optional = {a for a, removed in changed.items() if removed}
        assert sorted(set(replaced) - optional) == expected, f"{resource_type}: changed {sorted(changed)}; provider replaces for {replaced}; table says {expected}"
        assert actions in (["delete", "create"], ["create", "delete"]), f"{resource_type}: {actions}"
    # The in-place attributes were changed in round 0 and forced nothing.
    assert not set(in_place) & set(planned[resource_type][0][1])
