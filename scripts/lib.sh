# Shared by the scripts: where things are, and installing what is missing from Debian.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${CANOPY_BUILD_DIR:-$ROOT/build}"

# Debian 12 packages the build and the tests need.
BUILD_PACKAGES=(
  g++ cmake make ccache pkg-config git ca-certificates
  libboost-dev libboost-system-dev
  libyaml-cpp-dev nlohmann-json3-dev libspdlog-dev libcli11-dev libsodium-dev
  libsqlite3-dev sqlite3 libgtest-dev libgmock-dev libbenchmark-dev libssl-dev
  curl python3
  libmysqlcppconn-dev libhiredis-dev
  mariadb-server mariadb-client redis-server redis-tools
)

# What only the tests need: the browser the UI's tests drive, and promtool (in prometheus),
# which checks what /metrics answers.
TEST_PACKAGES=(chromium prometheus)

# Node.js and npm build the UI (web/). Installed from Debian only when there are no `node` and
# `npm` commands at all: a machine with another Node.js (>= 18) keeps it.
install_node_if_missing() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    install_missing nodejs npm
  fi
}

# Installs the packages given that are not installed yet; runs apt-get update once, only if needed.
install_missing() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing from Debian: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# Configures and builds; extra arguments go to cmake's configure step (and stay in its cache).
# With BUILD_TARGET set, builds only that target (and what it needs).
build() {
  local jobs
  jobs="$(nproc 2>/dev/null || echo 2)"
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="${CANOPY_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
  if [ -n "${BUILD_TARGET:-}" ]; then
    cmake --build "$BUILD_DIR" -j "$jobs" --target "$BUILD_TARGET"
  else
    cmake --build "$BUILD_DIR" -j "$jobs"
  fi
}
