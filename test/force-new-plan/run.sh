#!/usr/bin/env bash
# Derives plan-review's FORCE_NEW table from the provider itself: OpenTofu applies one resource of each type against
# moto, then plans a change of every attribute the table lists (and of some it does not) and reads which ones the
# provider marks as forcing replacement (test_force_new.py). Needs the toolchain's OpenTofu, the Glue harness venv
# (moto, boto3, pytest: bash tools/toolchain/install-glue.sh) and terraform-provider-aws in /opt/tf-plugins
# (or TF_PLUGINS).   bash test/force-new-plan/run.sh [pytest args]
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
exec bash "$repo/test/helpers/moto-plan-run.sh" "$repo/test/force-new-plan" "$@"
