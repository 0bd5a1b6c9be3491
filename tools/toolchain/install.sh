#!/usr/bin/env bash
# Installs the real Terraform toolchain the verify step uses, built from source through the package registries this
# project can reach (the Go module proxy and PyPI), into a cache outside the repository keyed by version:
#
#   $KIT_TOOLCHAIN_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/aws-data-migration-kit/toolchain)
#     tofu-<version>/tofu                 OpenTofu CLI (Terraform itself cannot be built from the proxy: see README)
#     tflint-<version>/tflint             tflint with its bundled terraform ruleset
#     checkov-<version>/bin/checkov       checkov in its own virtualenv
#     providers/                          filesystem mirror for `init -plugin-dir` (the AWS provider, when obtainable)
#     status.json                         what is installed, what could not be, and why (read by `npm run verify`)
#
# Idempotent: a tool whose versioned folder holds a finished binary is not built again. Prints progress and the
# seconds each step took. Usage: bash tools/toolchain/install.sh [--print-dir]
set -euo pipefail

TOFU_VERSION=v1.12.6
TFLINT_VERSION=v0.64.0
CHECKOV_VERSION=3.3.30
# The provider release @cdktf/provider-aws 21.22.1 was generated from (its package.json: cdktf.provider), and the
# v6 commit public indexes show. The module path has no /v6 suffix, so Go can only fetch it by commit.
PROVIDER_AWS_VERSION=6.25.0
PROVIDER_AWS_COMMIT=00a35305dc1b297a6fcdecdfbba33f1e63c3da39

cache="${KIT_TOOLCHAIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/aws-data-migration-kit/toolchain}"
if [ "${1:-}" = "--print-dir" ]; then echo "$cache"; exit 0; fi
mkdir -p "$cache"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
# Go's module and build caches stay where Go keeps them (outside the repository); a warm machine reuses them.

log() { printf '[toolchain %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
elapsed() { echo $(( $(date +%s) - $1 )); }
started=$(date +%s)
declare -A status_tool status_detail

need() { command -v "$1" >/dev/null 2>&1 || { log "missing $1: $2"; exit 1; }; }
need go "install Go 1.24 or newer"
need python3 "install Python 3.10 or newer"

# Builds a module from the Go module proxy inside a writable copy of it (go install pkg@version refuses modules
# whose go.mod has replace directives, as OpenTofu's does).
build_go_module() { # module version package output [ldflags]
  local module=$1 version=$2 package=$3 output=$4 ldflags=${5:-} src
  src=$(go mod download -json "$module@$version" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  local work; work=$(mktemp -d "$cache/build.XXXXXX")
  cp -R "$src/." "$work/"
  chmod -R u+w "$work"
  (cd "$work" && go build -trimpath -ldflags "$ldflags" -o "$output.partial" "$package")
  mv "$output.partial" "$output"
  rm -rf "$work"
}

# 1. OpenTofu CLI
t=$(date +%s)
tofu="$cache/tofu-$TOFU_VERSION/tofu"
if [ -x "$tofu" ]; then
  log "OpenTofu $TOFU_VERSION: cached ($tofu)"
else
  mkdir -p "$(dirname "$tofu")"
  log "OpenTofu $TOFU_VERSION: building from the Go module proxy (cold: ~3 min on 2 cores)..."
  # version.dev=no is what OpenTofu's release builds set, so the binary reports the release, not "-dev".
  build_go_module github.com/opentofu/opentofu "$TOFU_VERSION" ./cmd/tofu "$tofu" "-X github.com/opentofu/opentofu/version.dev=no"
  log "OpenTofu $TOFU_VERSION: built in $(elapsed "$t") s"
fi
status_tool[tofu]="$tofu"; status_detail[tofu]="$(TF_CLI_CONFIG_FILE=/dev/null "$tofu" version | sed -n 1p)"

# 2. tflint (its terraform ruleset is compiled in)
t=$(date +%s)
tflint="$cache/tflint-$TFLINT_VERSION/tflint"
if [ -x "$tflint" ]; then
  log "tflint $TFLINT_VERSION: cached ($tflint)"
else
  mkdir -p "$(dirname "$tflint")"
  log "tflint $TFLINT_VERSION: building from the Go module proxy (cold: ~2 min)..."
  GOBIN="$(dirname "$tflint")" go install "github.com/terraform-linters/tflint@$TFLINT_VERSION"
  log "tflint $TFLINT_VERSION: built in $(elapsed "$t") s"
fi
status_tool[tflint]="$tflint"; status_detail[tflint]="$("$tflint" --version | sed -n 1p)"

# tflint-ruleset-aws: a plugin module the proxy does not serve (every version and the module list answer 403).
ruleset_note=""
if ! ruleset_out=$(go list -m -versions github.com/terraform-linters/tflint-ruleset-aws 2>&1); then
  ruleset_note="not installed: the Go module proxy refuses github.com/terraform-linters/tflint-ruleset-aws ($(echo "$ruleset_out" | grep -o '403[^:]*' | sed -n 1p || true))"
  log "tflint-ruleset-aws: $ruleset_note"
fi

# 3. checkov, pinned, in its own virtualenv
t=$(date +%s)
checkov_dir="$cache/checkov-$CHECKOV_VERSION"
if [ -x "$checkov_dir/bin/checkov" ] && [ -f "$checkov_dir/.complete" ]; then
  log "checkov $CHECKOV_VERSION: cached ($checkov_dir)"
else
  rm -rf "$checkov_dir"
  log "checkov $CHECKOV_VERSION: installing from PyPI (cold: ~30 s)..."
  python3 -m venv "$checkov_dir"
  "$checkov_dir/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
  touch "$checkov_dir/.complete"
  log "checkov $CHECKOV_VERSION: installed in $(elapsed "$t") s"
fi
status_tool[checkov]="$checkov_dir/bin/checkov"; status_detail[checkov]="checkov $("$checkov_dir/bin/checkov" --version)"

# 4. terraform-provider-aws into a filesystem mirror: registry.opentofu.org/hashicorp/aws/<version>/<os_arch>/.
# The folder carries the version the stacks pin (required_providers 6.25.0), or init would not select it; when the
# commit built is another v6 commit, status.json and verify's output name that commit, so no one mistakes it for 6.25.0.
t=$(date +%s)
mirror="$cache/providers"
mkdir -p "$mirror"
os_arch="$(go env GOOS)_$(go env GOARCH)"
provider_dir="$mirror/registry.opentofu.org/hashicorp/aws/$PROVIDER_AWS_VERSION/$os_arch"
provider_note=""
if [ -x "$provider_dir/terraform-provider-aws_v$PROVIDER_AWS_VERSION" ]; then
  log "terraform-provider-aws $PROVIDER_AWS_VERSION: cached"
elif provider_out=$(go list -m -json "github.com/hashicorp/terraform-provider-aws@$PROVIDER_AWS_COMMIT" 2>&1); then
  log "terraform-provider-aws: building commit $PROVIDER_AWS_COMMIT (cold: 30+ min, several GiB of memory)..."
  mkdir -p "$provider_dir"
  build_go_module github.com/hashicorp/terraform-provider-aws "$PROVIDER_AWS_COMMIT" . "$provider_dir/terraform-provider-aws_v$PROVIDER_AWS_VERSION"
  log "terraform-provider-aws: built in $(elapsed "$t") s"
else
  provider_note="not installed: the Go module proxy refuses github.com/hashicorp/terraform-provider-aws@$PROVIDER_AWS_COMMIT ($(echo "$provider_out" | grep -o '403[^.]*' | sed -n 1p || true)); it serves only v1.60.0 (2019) of that module"
  log "terraform-provider-aws: $provider_note"
fi

# 4b. The pinned provider could not be built: use a released provider that a local filesystem mirror on this
# machine holds (KIT_PROVIDER_MIRRORS, space-separated; default /opt/tf-plugins, the layout `terraform providers
# mirror` writes), the highest version found. It is linked into the mirror under its own version, never under the
# pinned one: verify validates a copy of each stack whose constraint names this version, and says so.
substitute_version=""; substitute_path=""
if [ -n "$provider_note" ]; then
  for m in ${KIT_PROVIDER_MIRRORS:-/opt/tf-plugins}; do
    for d in "$m"/registry.terraform.io/hashicorp/aws/*/"$os_arch" "$m"/registry.opentofu.org/hashicorp/aws/*/"$os_arch"; do
      [ -d "$d" ] || continue
      v="$(basename "$(dirname "$d")")"
      ls "$d"/terraform-provider-aws_v"$v"* >/dev/null 2>&1 || continue
      if [ -z "$substitute_version" ] || [ "$(printf '%s\n%s\n' "$substitute_version" "$v" | sort -V | tail -1)" = "$v" ]; then
        substitute_version="$v"; substitute_path="$d"
      fi
    done
  done
  if [ -n "$substitute_version" ]; then
    mkdir -p "$mirror/registry.opentofu.org/hashicorp/aws/$substitute_version"
    ln -sfn "$substitute_path" "$mirror/registry.opentofu.org/hashicorp/aws/$substitute_version/$os_arch"
    log "terraform-provider-aws: using $substitute_version from $substitute_path for validate (the stacks pin $PROVIDER_AWS_VERSION)"
  else
    log "terraform-provider-aws: no local mirror holds a provider either (looked in ${KIT_PROVIDER_MIRRORS:-/opt/tf-plugins}); validate cannot run"
  fi
fi

python3 - "$cache/status.json" <<EOF
import json, sys
status = {
  "cache": "$cache",
  "tools": {
    "tofu": {"path": "${status_tool[tofu]}", "version": "${status_detail[tofu]}"},
    "tflint": {"path": "${status_tool[tflint]}", "version": "${status_detail[tflint]}",
               "rulesetAws": None if not "$ruleset_note" else "$ruleset_note"},
    "checkov": {"path": "${status_tool[checkov]}", "version": "${status_detail[checkov]}"},
  },
  "providerMirror": "$mirror",
  "providerAws": {"version": "$PROVIDER_AWS_VERSION", "commit": "$PROVIDER_AWS_COMMIT",
                  "installed": not "$provider_note", "note": "$provider_note" or None,
                  "substitute": {"version": "$substitute_version", "path": "$substitute_path"} if "$substitute_version" else None},
}
json.dump(status, open(sys.argv[1], "w"), indent=2)
EOF
log "done in $(elapsed "$started") s; status in $cache/status.json"
