#!/usr/bin/env bash
# `make fuzz`: schemathesis against a throwaway local region, twice — auth off, then auth on with
# an agent's token — each with at least FUZZ_CASES generated test cases (default 10000). Passes
# when both runs report 0 server errors and 0 schema violations and generated enough cases.
# Bounded: FUZZ_TIMEOUT seconds per run (default 900). Release build (CONFIG=debug to skip it).
# Everything it starts (PostgreSQL, gateway) is stopped and its folder removed, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"
cases=${FUZZ_CASES:-10000}
config=${CONFIG:-release}
scripts/install-deps.sh python3-venv
swift build -c "$config" --product relay-gateway >/dev/null
swift build -c "$config" --product relay-local >/dev/null
bin=$(swift build -c "$config" --show-bin-path 2>/dev/null)
state=$(mktemp -d /tmp/relay-fuzz-XXXXXX)
up_pid=
cleanup() {
  if [[ -n "$up_pid" ]] && kill -0 "$up_pid" 2>/dev/null; then
    kill -INT "$up_pid"
    wait "$up_pid" 2>/dev/null || true
  fi
  rm -rf "$state"
}
trap cleanup EXIT

# Of the 14 operations, several have small input spaces that hypothesis exhausts early (GET
# /health has none at all): measured, 870 examples per operation gave 8,338 cases. Ask for enough
# that the total passes `cases`.
per_operation=$(((cases + 7) / 8 + 150))

for mode in off on; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  flags=()
  [[ $mode == on ]] && flags=(--auth-required)
  RELAY_RATE_LIMIT_RPS=0 "$bin/relay-local" up --region "fuzz-$mode" --gateway-port "$port" --state-dir "$state/$mode" \
    "${flags[@]}" >"$state/up-$mode.log" 2>&1 &
  up_pid=$!
  url="http://127.0.0.1:$port"
  for _ in $(seq 1 120); do curl -sf "$url/health" >/dev/null && break; sleep 1; done
  curl -sf "$url/health" >/dev/null || { echo "fuzz: the local region did not start:" >&2; tail -20 "$state/up-$mode.log" >&2; exit 1; }
  token=
  if [[ $mode == on ]]; then
    token=$(curl -sf -X POST -H 'Content-Type: application/json' -d '{"org_name":"fuzz","contact_email":"fuzz@example.com"}' \
      "$url/v1/orgs/register" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  fi
  echo "fuzz: auth $mode, $url, at least $cases cases ($per_operation examples per operation)"
  rc=0
  FUZZ_TOKEN=$token FUZZ_MAX_EXAMPLES=$per_operation FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-900} FUZZ_OUTPUT="$state/fuzz-$mode.txt" \
    scripts/fuzz-api.sh "$url" >/dev/null || rc=$?
  generated=$(grep -Eo '[0-9]+ generated' "$state/fuzz-$mode.txt" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  if [[ $rc -ne 0 ]]; then
    cat "$state/fuzz-$mode.txt"
    echo "fuzz: auth $mode: schemathesis found failures or errors (exit $rc): see the output above" >&2
    exit 1
  fi
  if ((generated < cases)); then
    echo "fuzz: auth $mode: only $generated test cases generated (wanted $cases)" >&2
    exit 1
  fi
  tail -12 "$state/fuzz-$mode.txt"
  echo "fuzz: auth $mode: $generated cases, 0 server errors, 0 schema violations"
  kill -INT "$up_pid"
  wait "$up_pid" 2>/dev/null || true
  up_pid=
done
