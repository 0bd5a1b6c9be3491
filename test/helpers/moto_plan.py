"""OpenTofu + terraform-provider-aws planning against moto: shared by test/network-plan and test/engine-version-plan.

Real: OpenTofu (the toolchain's, $TOFU) and terraform-provider-aws 5.100.0 from a filesystem mirror ($TF_PLUGINS,
default /opt/tf-plugins; the 6.25.0 the stacks pin is not obtainable here). Stand-in: moto_server plays the AWS APIs.
"""
import contextlib
import os
import socket
import subprocess
import time

import boto3

REGION = "eu-west-2"
TOFU = os.environ["TOFU"]
PLUGINS = os.environ.get("TF_PLUGINS", "/opt/tf-plugins")
PROVIDER_VERSION = "5.100.0"
PROVIDER_REQUIREMENT = {"source": "registry.terraform.io/hashicorp/aws", "version": PROVIDER_VERSION}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def moto_server(command):
    """Starts `command + ['-p', <port>]` (a moto_server), waits until it listens (at most 10 s), yields its URL."""
    port = free_port()
    proc = subprocess.Popen([*command, "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"moto_server did not listen on port {port} within 10 s: {' '.join(command)}")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait()


def aws_client(service, moto_url):
    return boto3.client(service, region_name=REGION, endpoint_url=moto_url, aws_access_key_id="test", aws_secret_access_key="test")


def moto_provider_settings(moto_url, services):
    """The aws provider arguments that send `services` to moto with fake credentials and no account lookups."""
    return {
        "access_key": "test", "secret_key": "test", "skip_credentials_validation": True, "skip_metadata_api_check": True,
        "skip_requesting_account_id": True, "skip_region_validation": True,
        "endpoints": [{service: moto_url for service in services}],
    }


def tofu(workdir, *args):
    """Runs OpenTofu in `workdir` (no CLI config of the user's): (exit code, output with the diagnostics' box-edge
    line wraps joined, so messages can be matched whole)."""
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "TF_CLI_CONFIG_FILE": "/dev/null"}
    result = subprocess.run([TOFU, *args, "-input=false", "-no-color"], cwd=workdir, env=env, capture_output=True, text=True)
    return result.returncode, " ".join((result.stdout + result.stderr).replace("│", " ").split())


def init(workdir):
    code, text = tofu(workdir, "init", f"-plugin-dir={PLUGINS}")
    assert code == 0, text
