#!/usr/bin/env bash
# The image, checked without a container engine (none runs on the CI box): the Dockerfile's contract,
# every shared library the built binary needs comes from a package its runtime stage
# installs, and its default command keeps /metrics and /internal/* off the public port. See
# image_test.py.
#   tests/image/image_test.sh CANOPY_BINARY REPO_ROOT
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 CANOPY_BINARY REPO_ROOT" >&2
  exit 2
fi
exec python3 "$(dirname "$0")/image_test.py" "$1" "$2"
