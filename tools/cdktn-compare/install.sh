#!/usr/bin/env bash
# Installs CDK Terrain (`cdktn`, the community fork of CDK for Terraform) and its AWS provider bindings, at exact
# versions, into a cache outside the repository, for `npm run compare:cdktn`. The project's own package.json and
# package-lock.json are not touched: the comparison loads these packages by redirecting module resolution.
#
#   $KIT_CDKTN_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/aws-data-migration-kit/cdktn-<cdktn>-provider-aws-<provider>)
#     node_modules/cdktn, node_modules/@cdktn/provider-aws, node_modules/constructs (the fork's peer range)
#     .complete                           written last; a folder without it is installed again from scratch
#
# Idempotent. Prints the seconds the install took. Usage: bash tools/cdktn-compare/install.sh [--print-dir]
set -euo pipefail

# Versions: see tools/cdktn-compare/README.md ("Which versions") for why these three.
CDKTN_VERSION=0.24.0
PROVIDER_AWS_VERSION=25.5.0
CONSTRUCTS_VERSION=10.7.2

cache="${KIT_CDKTN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/aws-data-migration-kit/cdktn-$CDKTN_VERSION-provider-aws-$PROVIDER_AWS_VERSION}"
if [ "${1:-}" = "--print-dir" ]; then echo "$cache"; exit 0; fi
log() { printf '[cdktn %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
started=$(date +%s)

if [ -f "$cache/.complete" ]; then
  log "cdktn $CDKTN_VERSION + @cdktn/provider-aws $PROVIDER_AWS_VERSION: cached ($cache)"
  exit 0
fi
rm -rf "$cache" "$cache.partial"
mkdir -p "$cache.partial"
cat > "$cache.partial/package.json" <<JSON
{
  "name": "aws-data-migration-kit-cdktn-compare",
  "private": true,
  "description": "Written by tools/cdktn-compare/install.sh; safe to delete.",
  "dependencies": {
    "cdktn": "$CDKTN_VERSION",
    "@cdktn/provider-aws": "$PROVIDER_AWS_VERSION",
    "constructs": "$CONSTRUCTS_VERSION"
  }
}
JSON
log "cdktn $CDKTN_VERSION + @cdktn/provider-aws $PROVIDER_AWS_VERSION: installing from npm (cold: ~30 s)..."
# --ignore-scripts: none of the three packages has an install script; nothing else should run.
# --engine-strict=false: @cdktn/provider-aws 25.x declares node >= 22.11 (see README: it runs on Node 20 here).
(cd "$cache.partial" && npm install --no-audit --no-fund --ignore-scripts --engine-strict=false --loglevel=error \
  --save-exact --no-package-lock >/dev/null)
for p in cdktn @cdktn/provider-aws constructs; do
  [ -f "$cache.partial/node_modules/$p/package.json" ] || { log "missing $p after npm install"; exit 1; }
done
touch "$cache.partial/.complete"
mv "$cache.partial" "$cache"
log "installed in $(( $(date +%s) - started )) s ($cache)"
