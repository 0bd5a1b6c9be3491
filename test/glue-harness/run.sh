#!/usr/bin/env bash
# Runs the local Glue harness (test/glue-harness) with the toolchain tools/toolchain/install-glue.sh installed.
#   bash test/glue-harness/run.sh [pytest args]   the tests, e.g. `-k rerun`
#   bash test/glue-harness/run.sh --bench         the measurements (bench.py; KIT_GLUE_BENCH_ROWS=200000)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
home="$(bash "$repo/tools/toolchain/install-glue.sh" --print-dir)"
if [ ! -f "$home/venv/.complete" ] || [ ! -f "$home/jars/.complete" ]; then
  echo "glue harness: toolchain missing under $home; run: bash tools/toolchain/install-glue.sh" >&2
  exit 1
fi
export GLUE_HOME="$home"
cd "$repo/test/glue-harness"
if [ "${1:-}" = "--bench" ]; then
  exec "$home/venv/bin/python" bench.py
fi
exec "$home/venv/bin/python" -m pytest -p no:cacheprovider -q "$@"
