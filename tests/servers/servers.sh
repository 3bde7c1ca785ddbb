#!/usr/bin/env bash
# Starts and stops the MariaDB and Redis that tests labelled `mysql` and `redis` use: private
# instances on loopback, on free ports, with data in DIR (never a system service).
#   servers.sh start DIR            start both; writes DIR/servers.env
#   servers.sh stop DIR             stop both and remove DIR
#   servers.sh {stop,start}-{mariadb,redis} DIR   for degraded-mode tests (same ports)
set -euo pipefail
cmd="${1:?usage: servers.sh start|stop|start-mariadb|stop-mariadb|start-redis|stop-redis DIR}"
dir="${2:?usage: servers.sh $cmd DIR}"
env_file="$dir/servers.env"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# On any failure: the servers' own words, so a failed start can be diagnosed from the CTest log.
dump_logs() {
  local log
  for log in "$dir/mariadb-install.log" "$dir/mariadb.err" "$dir/redis.log"; do
    if [ -f "$log" ]; then
      echo "--- last lines of $log:" >&2
      tail -n 20 "$log" >&2
    fi
  done
}
trap 'dump_logs' ERR

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds="$1" what="$2"
  shift 2
  for _ in $(seq 1 $((seconds * 10))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "servers.sh: $what did not come up within ${seconds}s" >&2
  return 1
}

start_mariadb() {
  # shellcheck disable=SC1090
  source "$env_file"
  if [ ! -d "$dir/mariadb/mysql" ]; then
    mariadb-install-db --no-defaults --datadir="$dir/mariadb" --user="$(id -un)" \
      --auth-root-authentication-method=normal --skip-test-db >"$dir/mariadb-install.log" 2>&1
  fi
  mariadbd --no-defaults --datadir="$dir/mariadb" --socket="$dir/mariadb.sock" \
    --port="$CANOPY_TEST_MYSQL_PORT" --bind-address=127.0.0.1 --pid-file="$dir/mariadb.pid" \
    --user="$(id -un)" --skip-log-bin --innodb-buffer-pool-size=64M --innodb-log-file-size=16M \
    --max-connections=500 --log-error="$dir/mariadb.err" >/dev/null 2>&1 &
  wait_for 60 "MariaDB" mariadb --no-defaults --socket="$dir/mariadb.sock" -uroot -e "SELECT 1"
  mariadb --no-defaults --socket="$dir/mariadb.sock" -uroot <<SQL
CREATE USER IF NOT EXISTS 'canopy'@'127.0.0.1' IDENTIFIED BY '$CANOPY_TEST_MYSQL_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO 'canopy'@'127.0.0.1';
SQL
}

stop_mariadb() {
  if [ -f "$dir/mariadb.pid" ]; then
    local pid
    pid="$(cat "$dir/mariadb.pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/mariadb.pid"
  fi
}

start_redis() {
  # shellcheck disable=SC1090
  source "$env_file"
  # Replicas under test AUTH as an ACL user with a password; the default user stays open for
  # the tests that play an attacker who can write to Redis.
  redis-server --port "$CANOPY_TEST_REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --user "$CANOPY_TEST_REDIS_USER" on ">$CANOPY_TEST_REDIS_PASSWORD" '~*' '&*' '+@all' \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir"
  wait_for 20 "Redis" redis-cli -p "$CANOPY_TEST_REDIS_PORT" ping
}

stop_redis() {
  if [ -f "$dir/redis.pid" ]; then
    local pid
    pid="$(cat "$dir/redis.pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/redis.pid"
  fi
}

case "$cmd" in
  start)
    if [ -f "$dir/mariadb.pid" ] || [ -f "$dir/redis.pid" ]; then "$0" stop "$dir"; fi
    rm -rf "$dir"
    mkdir -p "$dir"
    cat >"$env_file" <<ENV
CANOPY_TEST_MYSQL_HOST=127.0.0.1
CANOPY_TEST_MYSQL_PORT=$(free_port)
CANOPY_TEST_MYSQL_USER=canopy
CANOPY_TEST_MYSQL_PASSWORD=canopy-test-$RANDOM$RANDOM
CANOPY_TEST_REDIS_HOST=127.0.0.1
CANOPY_TEST_REDIS_PORT=$(free_port)
CANOPY_TEST_REDIS_USER=canopy
CANOPY_TEST_REDIS_PASSWORD=canopy-redis-$RANDOM$RANDOM
CANOPY_TEST_SERVERS_DIR=$dir
ENV
    start_mariadb
    start_redis
    echo "servers.sh: MariaDB and Redis are up; see $env_file"
    ;;
  stop)
    stop_redis
    stop_mariadb
    rm -rf "$dir"
    ;;
  start-mariadb) start_mariadb ;;
  stop-mariadb) stop_mariadb ;;
  start-redis) start_redis ;;
  stop-redis) stop_redis ;;
  *) echo "servers.sh: unknown command $cmd" >&2; exit 2 ;;
esac
