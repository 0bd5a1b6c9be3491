#!/usr/bin/env bash
# Plans ExistingNetwork against moto with OpenTofu (test_plan.py). Needs the toolchain's OpenTofu, the Glue harness
# venv (moto, boto3, pytest: bash tools/toolchain/install-glue.sh) and terraform-provider-aws in /opt/tf-plugins
# (or TF_PLUGINS).   bash test/network-plan/run.sh [pytest args]
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
exec bash "$repo/test/helpers/moto-plan-run.sh" "$repo/test/network-plan" "$@"
