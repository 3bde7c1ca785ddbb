#!/usr/bin/env bash
# Runs the README's curl walkthrough as written (only the port differs) against scripts/run-demo,
# twice, and checks what it must show. Usage: walkthrough_test.sh CANOPY_BINARY REPO_ROOT
set -euo pipefail
canopy="$1"
root="$2"
work="$(mktemp -d)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
CANOPY_DB="$work/demo.db" CANOPY_LISTEN="127.0.0.1:$port" "$root/scripts/run-demo" "$canopy" >"$work/demo.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/demo.log"; echo "FAIL: the demo exited"; exit 1; }
  sleep 0.1
done
grep -q "amir.admin@oakfield-primary.example / canopy-demo-password" "$work/demo.log" ||
  { cat "$work/demo.log"; echo "FAIL: the demo does not print the school admin's sign-in"; exit 1; }

awk '/<!-- walkthrough:begin -->/ {on = 1; next}
     /<!-- walkthrough:end -->/ {on = 0}
     on && /^```sh$/ {code = 1; next}
     on && /^```$/ {code = 0}
     on && code' "$root/README.md" | sed "s/127\.0\.0\.1:8080/127.0.0.1:$port/g" >"$work/walkthrough.sh"
[ -s "$work/walkthrough.sh" ] || { echo "FAIL: no walkthrough found in README.md"; exit 1; }

for run in 1 2; do
  out="$(bash -euo pipefail "$work/walkthrough.sh")" || { echo "FAIL: walkthrough run $run failed"; exit 1; }
  for expected in '"status":"approved"' '{"allow":true,"reason":"approved"}' '"status":"rejected"' \
                  '{"allow":false,"reason":"rejected"}' 'ParentPay,3,Payment,' '"app":"tucasi"' \
                  '"kind":"connection_requested"' '"outcome":"success"' \
                  '"acting_site":"oakfield-trust"' '"decided_by":"dana.central@oakfield.example"'; do
    grep -qF "$expected" <<<"$out" || { echo "$out"; echo "FAIL: run $run does not show $expected"; exit 1; }
  done
  # The allow must come before the deny: approve, check, reject, check. (curl adds no newlines.)
  before_allow="${out%%'{"allow":true'*}"
  before_deny="${out%%'{"allow":false'*}"
  [ "${#before_allow}" -lt "${#before_deny}" ] || { echo "FAIL: allow/deny out of order"; exit 1; }
done
echo "README walkthrough: 2 passed, 0 failed"
