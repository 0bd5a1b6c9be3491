"""Engine versions with automatic minor upgrades (issue 17), planned for real: OpenTofu applies a minimal config
carrying the engine-version settings the modules synthesize, moto then plays the automatic minor upgrade
(ModifyDBInstance / ModifyReplicationInstance with a newer engine version), and OpenTofu plans again.

Real engines: OpenTofu (the toolchain's) and terraform-provider-aws 5.100.0 from /opt/tf-plugins (the stacks pin
6.25.0, not obtainable here; the engine-version handling cited in the module READMEs is the same in both). Stand-in:
moto plays RDS and DMS. What moto does not do that AWS does: it upgrades nothing by itself (the test calls Modify*),
applies every change at once, accepts any engine version string and does not refuse downgrades, so "the plan would
downgrade" is shown here as the planned change, not as AWS's error.
"""
import json
import os
import subprocess
from pathlib import Path

import pytest

from moto_plan import PROVIDER_REQUIREMENT, REGION, TOFU, aws_client, init, moto_provider_settings, moto_server, tofu

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def moto_url():
    """A moto_server per test: moto 5.2.5 gives every DB instance of a server the same DbiResourceId, and the provider
    reads an instance by that id (filter dbi-resource-id), so a second instance fails ("couldn't find resource")."""
    # moto_server, with its DMS InstanceCreateTime sent as AWS sends it (moto_server_wire_fix.py says why).
    python = str(Path(os.environ["MOTO_SERVER"]).with_name("python"))
    with moto_server([python, str(Path(__file__).with_name("moto_server_wire_fix.py"))]) as url:
        yield url


def client(service, moto_url):
    return aws_client(service, moto_url)


def module_settings(dms=None, rds=None):
    """The engine-version arguments (and lifecycle) the modules synthesize for these props."""
    props = {k: v for k, v in {"dmsEngineVersion": dms, "rdsEngineVersion": rds}.items() if v}
    out = subprocess.run(["npx", "tsx", "test/engine-version-plan/synth-engine.ts", json.dumps(props)], cwd=REPO, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def write_config(workdir, moto_url, resources):
    workdir.mkdir(parents=True, exist_ok=True)
    tf = {
        "terraform": {"required_providers": {"aws": PROVIDER_REQUIREMENT}},
        "provider": {"aws": [{"region": REGION, **moto_provider_settings(moto_url, ["rds", "dms", "sts", "iam"])}]},
        "resource": resources,
    }
    (workdir / "main.tf.json").write_text(json.dumps(tf, indent=1))


def apply(workdir):
    init(workdir)
    code, text = tofu(workdir, "apply", "-auto-approve", "-lock=false")
    assert code == 0, text


def plan_changes(workdir):
    """`tofu plan -detailed-exitcode`: (exit code, text). 0 = no changes, 2 = changes, 1 = error."""
    return tofu(workdir, "plan", "-detailed-exitcode", "-lock=false")


def dms_instance(name, settings):
    return {"aws_dms_replication_instance": {"ri": {
        "replication_instance_id": name, "replication_instance_class": "dms.t3.medium", "allocated_storage": 50,
        "replication_subnet_group_id": "default", "publicly_accessible": False, "apply_immediately": True, **settings,
    }}}


def rds_instance(name, settings):
    return {"aws_db_instance": {"db": {
        "identifier": name, "engine": "postgres", "instance_class": "db.t4g.micro", "allocated_storage": 20,
        "username": "postgres", "password": "not-a-real-secret-1", "skip_final_snapshot": True, "apply_immediately": True,
        **{k: v for k, v in settings.items() if k != "lifecycle"},
    }}}


def upgrade_dms(moto_url, name, version):
    dms = client("dms", moto_url)
    arn = dms.describe_replication_instances(Filters=[{"Name": "replication-instance-id", "Values": [name]}])["ReplicationInstances"][0]["ReplicationInstanceArn"]
    dms.modify_replication_instance(ReplicationInstanceArn=arn, EngineVersion=version, ApplyImmediately=True)
    assert dms.describe_replication_instances(Filters=[{"Name": "replication-instance-id", "Values": [name]}])["ReplicationInstances"][0]["EngineVersion"] == version


def upgrade_rds(moto_url, name, version):
    rds = client("rds", moto_url)
    rds.modify_db_instance(DBInstanceIdentifier=name, EngineVersion=version, ApplyImmediately=True)
    assert rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"][0]["EngineVersion"] == version


def test_dms_module_settings_plan_no_change_after_an_automatic_minor_upgrade(tmp_path, moto_url):
    settings = module_settings()["dms"]
    assert settings["auto_minor_version_upgrade"] is True and settings["engine_version"] == "3.5.4"
    write_config(tmp_path, moto_url, dms_instance("ev-dms-new", settings))
    apply(tmp_path)
    upgrade_dms(moto_url, "ev-dms-new", "3.5.5")
    code, text = plan_changes(tmp_path)
    assert code == 0, text
    assert "No changes" in text


def test_dms_old_pin_without_ignore_changes_plans_a_downgrade(tmp_path, moto_url):
    # What the module synthesized before issue 17: engine_version 3.5.4, auto upgrades on, no lifecycle.
    write_config(tmp_path, moto_url, dms_instance("ev-dms-old", {"engine_version": "3.5.4", "auto_minor_version_upgrade": True, "allow_major_version_upgrade": False}))
    apply(tmp_path)
    upgrade_dms(moto_url, "ev-dms-old", "3.5.5")
    code, text = plan_changes(tmp_path)
    assert code == 2, text
    assert 'engine_version = "3.5.5" -> "3.5.4"' in text


def test_dms_raising_engine_version_above_the_running_one_fails_the_plan_with_the_command(tmp_path, moto_url):
    write_config(tmp_path, moto_url, dms_instance("ev-dms-raise", module_settings()["dms"]))
    apply(tmp_path)
    upgrade_dms(moto_url, "ev-dms-raise", "3.5.10")
    # 3.5.10 is above 3.5.9 as a version (a string comparison would say otherwise): no change.
    write_config(tmp_path, moto_url, dms_instance("ev-dms-raise", module_settings(dms="3.5.9")["dms"]))
    code, text = plan_changes(tmp_path)
    assert code == 0, text
    write_config(tmp_path, moto_url, dms_instance("ev-dms-raise", module_settings(dms="3.6.1")["dms"]))
    code, text = plan_changes(tmp_path)
    assert code == 1, text
    assert "engine/dms: engineVersion is 3.6.1 but the replication instance runs 3.5.10." in text
    assert "aws dms modify-replication-instance --replication-instance-arn arn:aws:dms:eu-west-2:" in text and "--engine-version 3.6.1 --apply-immediately" in text
    # After the command the plan is clean again.
    upgrade_dms(moto_url, "ev-dms-raise", "3.6.1")
    code, text = plan_changes(tmp_path)
    assert code == 0, text


def test_rds_module_major_plans_no_change_after_an_automatic_minor_upgrade(tmp_path, moto_url):
    settings = module_settings()["rds"]
    assert settings["auto_minor_version_upgrade"] is True and settings["engine_version"] == "17"
    write_config(tmp_path, moto_url, rds_instance("ev-rds-new", settings))
    apply(tmp_path)
    upgrade_rds(moto_url, "ev-rds-new", "17.5")
    code, text = plan_changes(tmp_path)
    assert code == 0, text
    # plan refreshes in memory only: write the refreshed state, then read it.
    code, text = tofu(tmp_path, "apply", "-refresh-only", "-auto-approve", "-lock=false")
    assert code == 0, text
    env = {**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null"}
    state = json.loads(subprocess.run([TOFU, "show", "-json"], cwd=tmp_path, env=env, check=True, capture_output=True, text=True).stdout)
    (db,) = [r for r in state["values"]["root_module"]["resources"] if r["address"] == "aws_db_instance.db"]
    assert (db["values"]["engine_version"], db["values"]["engine_version_actual"]) == ("17", "17.5")


def test_rds_pinned_minor_plans_a_downgrade_after_an_automatic_minor_upgrade(tmp_path, moto_url):
    # What the module accepted before issue 17: engineVersion "17.4" with auto upgrades on (now refused at synth).
    write_config(tmp_path, moto_url, rds_instance("ev-rds-old", {"engine_version": "17.4", "auto_minor_version_upgrade": True}))
    apply(tmp_path)
    upgrade_rds(moto_url, "ev-rds-old", "17.5")
    code, text = plan_changes(tmp_path)
    assert code == 2, text
    assert 'engine_version = "17.5" -> "17.4"' in text
