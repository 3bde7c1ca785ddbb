#!/usr/bin/env bash
# Partner webhooks end to end (see webhooks_test.mjs). standardwebhooks comes from npm, pinned in
# package-lock.json; `npm ci` runs only when package-lock.json is newer than the install.
#   tests/webhooks/webhooks_test.sh CANOPY_BINARY sqlite|replicas
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STAMP="$HERE/node_modules/.canopy-installed"
if [ ! -f "$STAMP" ] || [ "$HERE/package-lock.json" -nt "$STAMP" ]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error) >&2
  touch "$STAMP"
fi
exec node "$HERE/webhooks_test.mjs" "$@"
