#!/usr/bin/env bash
# Runs a pytest suite that plans with OpenTofu against moto (test/helpers/moto_plan.py). Needs the toolchain's OpenTofu
# (npm run toolchain), the Glue harness venv (moto, boto3, pytest: bash tools/toolchain/install-glue.sh) and
# terraform-provider-aws in /opt/tf-plugins (or TF_PLUGINS).   moto-plan-run.sh <suite dir> [pytest args]
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
suite="$1"; shift
glue="$(bash "$repo/tools/toolchain/install-glue.sh" --print-dir)"
status="$(bash "$repo/tools/toolchain/install.sh" --print-dir)/status.json"
# The OpenTofu the toolchain installed (status.json), not whichever version folder sorts last.
export TOFU="${TOFU:-$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tools"]["tofu"]["path"])' "$status")}"
export MOTO_SERVER="$glue/venv/bin/moto_server"
export PYTHONPATH="$repo/test/helpers${PYTHONPATH:+:$PYTHONPATH}"
cd "$suite"
exec nice -n 10 "$glue/venv/bin/python" -m pytest -p no:cacheprovider -q "$@"
