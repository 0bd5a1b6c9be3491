#!/usr/bin/env bash
# Plans the modules' engine-version settings against moto with OpenTofu (test_plan.py). Needs the toolchain's OpenTofu,
# the Glue harness venv (moto, boto3, pytest: bash tools/toolchain/install-glue.sh) and terraform-provider-aws in
# /opt/tf-plugins (or TF_PLUGINS).   bash test/engine-version-plan/run.sh [pytest args]
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
glue="$(bash "$repo/tools/toolchain/install-glue.sh" --print-dir)"
export TOFU="${TOFU:-$(ls -d "$HOME"/.cache/aws-data-migration-kit/toolchain/tofu-v*/tofu | tail -1)}"
export MOTO_SERVER="$glue/venv/bin/moto_server"
cd "$repo/test/engine-version-plan"
exec nice -n 10 "$glue/venv/bin/python" -m pytest -p no:cacheprovider -q "$@"
