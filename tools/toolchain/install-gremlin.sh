#!/usr/bin/env bash
# Installs what test/gremlin needs to run the Neptune writers against a real graph server, into a cache outside the
# repository keyed by version:
#
#   $KIT_TOOLCHAIN_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/aws-data-migration-kit/toolchain)
#     gremlin-server-<version>/lib/*.jar   Apache TinkerPop Gremlin Server + TinkerGraph (+ gremlin-groovy, which the
#                                          server's init script needs), from Maven Central (test/gremlin/pom.xml)
#     gremlin-server-<version>/venv/       gremlinpython from the wheels the Glue jobs ship (templates/glue/python-modules),
#                                          installed offline (pip --no-index), so the tests use exactly those files
#
# The TinkerPop version is the gremlinpython wheel's (3.7.1). Idempotent: a finished part (its .complete marker) is
# not installed again; the venv is rebuilt when the wheels change (their checksum is kept beside it). Needs Java 17+,
# Maven and Python 3.11 (the Glue 5.0 Python the wheels are built for). Prints progress and the seconds each step took.
# Usage: bash tools/toolchain/install-gremlin.sh [--print-dir]
set -euo pipefail

TINKERPOP_VERSION=3.7.1
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="${KIT_TOOLCHAIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/aws-data-migration-kit/toolchain}"
dir="$cache/gremlin-server-$TINKERPOP_VERSION"
if [ "${1:-}" = "--print-dir" ]; then echo "$dir"; exit 0; fi

log() { printf '[gremlin %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
elapsed() { echo $(( $(date +%s) - $1 )); }
need() { command -v "$1" >/dev/null 2>&1 || { log "missing $1: $2"; exit 1; }; }
started=$(date +%s)
need java "install a Java 17+ runtime (Debian: openjdk-17-jre-headless)"
need mvn "install Maven (Debian: maven)"
python=$(command -v python3.11 || command -v python3 || true)
[ -n "$python" ] || { log "missing python3.11"; exit 1; }
"$python" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' \
  || { log "$python is not Python 3.11: the vendored wheels are built for Glue 5.0's CPython 3.11"; exit 1; }
wheels="$repo/templates/glue/python-modules"
grep -q "<tinkerpop.version>$TINKERPOP_VERSION</tinkerpop.version>" "$repo/test/gremlin/pom.xml" \
  || { log "test/gremlin/pom.xml does not pin TinkerPop $TINKERPOP_VERSION"; exit 1; }
ls "$wheels"/gremlinpython-"$TINKERPOP_VERSION"-*.whl >/dev/null 2>&1 \
  || { log "no gremlinpython $TINKERPOP_VERSION wheel in $wheels: the server must match the client the jobs ship"; exit 1; }
mkdir -p "$dir"

# 1. Gremlin Server + TinkerGraph jars. Maven's local repository is a scratch folder removed afterwards: lib/ is the
# whole install, so the cache holds one copy of each jar.
t=$(date +%s)
if [ -f "$dir/lib/.complete" ]; then
  log "Gremlin Server $TINKERPOP_VERSION: cached ($dir/lib, $(ls "$dir/lib" | wc -l) jars)"
else
  log "Gremlin Server $TINKERPOP_VERSION: downloading jars from Maven Central (cold: ~30 s)..."
  rm -rf "$dir/lib" "$dir/m2"
  mvn -B -f "$repo/test/gremlin/pom.xml" -Dmaven.repo.local="$dir/m2" -Dstyle.color=never \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dir/lib.partial" > "$dir/mvn.log" 2>&1 \
    || { tail -40 "$dir/mvn.log"; log "Maven failed (full log: $dir/mvn.log)"; exit 1; }
  rm -rf "$dir/m2"
  mv "$dir/lib.partial" "$dir/lib"
  touch "$dir/lib/.complete"
  log "Gremlin Server $TINKERPOP_VERSION: $(ls "$dir/lib" | wc -l) jars in $(elapsed "$t") s"
fi

# 2. gremlinpython and its dependencies from the committed wheels only (no index). Every wheel of the folder is
# installed, as the Glue jobs do (--additional-python-modules lists them all): gremlinpython 3.7.1 does not declare
# async-timeout, which it imports, so resolving gremlinpython's requirements alone would leave it out.
t=$(date +%s)
sum=$(cd "$wheels" && sha256sum ./*.whl | sha256sum | cut -c1-16)
if [ -f "$dir/venv/.complete" ] && [ "$(cat "$dir/venv/.complete")" = "$sum" ]; then
  log "gremlinpython $TINKERPOP_VERSION venv: cached ($dir/venv)"
else
  log "gremlinpython $TINKERPOP_VERSION venv: installing from $wheels (--no-index)..."
  rm -rf "$dir/venv"
  "$python" -m venv "$dir/venv"
  "$dir/venv/bin/pip" install --quiet --disable-pip-version-check --no-index --find-links "$wheels" "$wheels"/*.whl
  # The import the Glue jobs do first (gremlinpython's transport pulls in aiohttp and async_timeout).
  "$dir/venv/bin/python" -c 'from gremlin_python.driver.driver_remote_connection import DriverRemoteConnection; import gremlin_python.driver.aiohttp.transport'
  echo "$sum" > "$dir/venv/.complete"
  log "gremlinpython $TINKERPOP_VERSION venv: installed in $(elapsed "$t") s"
fi
log "done in $(elapsed "$started") s: $dir"
