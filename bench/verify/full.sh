#!/usr/bin/env bash
# Cross-region verification from the databases: the local three regions (regions/local), traffic on
# one origin until its chain holds BENCH_RECORDS entries, every peer caught up; then, on the same
# data, `relay-dr verify --via-db` (heads + binary search) and `relay-dr verify --via-db --full`
# (every copy in every region recomputed from genesis, every row compared with its body, every kept
# batch signature checked): wall time and records/s (entries recomputed in all regions / seconds).
# Everything on 127.0.0.1; needs the ports of regions/local free.
# Env: BENCH_RECORDS (100000), BENCH_RATE (3000 validations/s while filling), BENCH_ORIGIN
# (us-east-1), CONFIG (release), BENCH_BIN (use the relay-* binaries of this folder and build
# nothing, e.g. .build/debug for a quick smoke run).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/opt/swift/usr/bin"
RECORDS=${BENCH_RECORDS:-100000}
RATE=${BENCH_RATE:-3000}
ORIGIN=${BENCH_ORIGIN:-us-east-1}
CONFIG=${CONFIG:-release}
SCRATCH=".build-$CONFIG"
BIN=${BENCH_BIN:-$SCRATCH/$CONFIG}
STATE=$(mktemp -d /tmp/relay-bench-verify-full-XXXXXX)
chmod 755 "$STATE"
# shellcheck source=../lib/local-region.sh
source bench/lib/local-region.sh
TRAFFIC_PID=
cleanup() {
  if [[ -n "$TRAFFIC_PID" ]]; then kill -TERM "$TRAFFIC_PID" 2>/dev/null || true; wait "$TRAFFIC_PID" 2>/dev/null || true; fi
  stop_local
  rm -rf "$STATE"
}
trap cleanup EXIT

if [[ -z "${BENCH_BIN:-}" ]]; then build_products relay-gateway relay-dr relay-local; fi
var() { local v="RELAY_LOCAL_$(tr 'a-z-' 'A-Z_' <<<"$1")_$2"; echo "${!v}"; }

echo "starting the local regions..." >&2
RELAY_RATE_LIMIT_RPS=0 RELAY_LOG_LEVEL=warning "$BIN/relay-local" up --regions regions/local --traffic-rate 0 \
  --state-dir "$STATE" --env-file "$STATE/env" >"$STATE/relay-local.out" 2>&1 &
LOCAL_PID=$!
wait_for_local "$STATE" 360
GW=$(var "$ORIGIN" GATEWAY_URL); DR=$(var "$ORIGIN" DR_URL)
status() { curl -s "$DR/v1/status"; }
head_seq() { status | python3 -c 'import json,sys; print(json.load(sys.stdin)["head"]["seq"])'; }
max_lag() { status | python3 -c 'import json,sys; print(max([p["lag_records"] for p in json.load(sys.stdin)["peers"]] or [0]))'; }

echo "writing $RECORDS records on $ORIGIN at $RATE/s..." >&2
"$BIN/relay-local" traffic --gateway "$GW" --rate "$RATE" --execute-every 0 --max-in-flight 512 >"$STATE/traffic.txt" &
TRAFFIC_PID=$!
while (( $(head_seq) < RECORDS )); do sleep 0.5; done
kill -TERM "$TRAFFIC_PID" 2>/dev/null || true; wait "$TRAFFIC_PID" 2>/dev/null || true; TRAFFIC_PID=
until (( $(max_lag) == 0 )); do sleep 0.5; done
head=$(head_seq)

# --via-db reads the region files' databases; the local run's role is the cluster's superuser.
export RELAY_REGIONS_DIR=regions/local RELAY_REGION=$ORIGIN
run() {
  local label=$1; shift
  local t0 t1 status=0
  t0=$(date +%s.%N)
  "$BIN/relay-dr" verify --via-db "$@" >"$STATE/$label.out" 2>"$STATE/$label.err" || status=$?
  t1=$(date +%s.%N)
  python3 - "$label" "$t0" "$t1" "$status" "$head" <<'PY'
import sys
label, t0, t1, status, head = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], int(sys.argv[5])
seconds = t1 - t0
# Every region holds the origin's chain: 3 copies recomputed (plus the peers' own, nearly empty).
entries = 3 * head
if label == "full":
    print(f"full   exit {status}  {seconds:8.2f} s  {entries / seconds:12,.0f} records/s  ({entries} entries in 3 copies recomputed, rows and headers checked)")
else:
    print(f"heads  exit {status}  {seconds:8.2f} s  (3 copies of {head} entries compared by head and hash_at)")
PY
}
echo "origin head: $head entries, every peer caught up" >&2
run heads --origin "$ORIGIN"
run full --origin "$ORIGIN" --full
