#!/usr/bin/env bash
# Ledger benchmark: validate throughput with chaining ON (the gateway's embedded chainer linking
# every record as it commits) vs chaining OFF (records written and left pending, nothing chains),
# alternated OFF/ON/OFF/ON at each concurrency so machine noise hits both alike. While chaining is
# on, /health is sampled every 0.5 s: the chaining delay (age of the oldest unchained record) is
# reported as p50/max. At the end the chain is verified (relay-dr verify --local).
# Env: BENCH_SECONDS (default 15), BENCH_CONNECTIONS (default "16 64"), BENCH_ROUNDS (default 2), CONFIG (release).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/opt/swift/usr/bin"
SECONDS_PER_RUN=${BENCH_SECONDS:-15}
CONNECTIONS=${BENCH_CONNECTIONS:-"16 64"}
ROUNDS=${BENCH_ROUNDS:-2}
CONFIG=${CONFIG:-release}
PORT=${BENCH_PORT:-18090}
STATE_ROOT=$(mktemp -d /tmp/relay-bench-ledger-XXXXXX)
SCRATCH=".build-$CONFIG"
echo "building ($CONFIG, $SCRATCH)..." >&2
for product in relay-gateway relay-local relay-dr; do
  swift build -c "$CONFIG" --scratch-path "$SCRATCH" --product "$product" >&2
done

# shellcheck source=../lib/local-region.sh
source bench/lib/local-region.sh
cleanup() { stop_local; rm -rf "$STATE_ROOT"; }
trap cleanup EXIT

# start_local MODE RUN: a fresh local region whose gateway runs with RELAY_CHAINER=MODE.
start_local() {
  RELAY_CHAINER="$1" RELAY_RATE_LIMIT_RPS=0 start_local_region "$STATE_ROOT/$1-$2" bench-ledger --policy-engine builtin
}

field() { sed -E "s/.*$1=([0-9.]+).*/\\1/" <<<"$2"; }
health_field() { python3 -c "import json,sys; print(json.load(sys.stdin)['ledger']['$1'])"; }

declare -A SUM
run_id=0
DELAYS=()
for c in $CONNECTIONS; do
  for round in $(seq 1 "$ROUNDS"); do
    for mode in off embedded; do
      start_local "$mode" "$c-$round"
      sampler=
      if [[ $mode == embedded ]]; then
        ( while sleep 0.5; do curl -sf "$RELAY_LOCAL_GATEWAY_URL/health" | health_field oldest_unchained_age_seconds || true; done ) \
          >"$STATE_ROOT/delays-$c-$round" 2>/dev/null &
        sampler=$!
      fi
      run_id=$((run_id + 1))
      out=$(wrk -t2 -c"$c" -d"${SECONDS_PER_RUN}s" --latency -s bench/gateway/validate.lua "$RELAY_LOCAL_GATEWAY_URL" -- "$run_id" | grep '^RESULT')
      [[ -n $sampler ]] && { kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; }
      rps=$(field req_s "$out")
      printf "%-4s round %s chaining %-8s %8.1f req/s  p50 %s ms  p99 %s ms  errors %s\n" "$c" "$round" "$mode" "$rps" \
        "$(field p50_ms "$out")" "$(field p99_ms "$out")" "$(sed -E 's/.*errors=([0-9]+).*/\1/' <<<"$out")" >&2
      SUM[$mode,$c]=$(awk -v a="${SUM[$mode,$c]:-0}" -v b="$rps" 'BEGIN { print a + b }')
      if [[ $mode == embedded ]]; then
        # Let the chainer finish, then check the whole chain.
        for _ in $(seq 1 120); do
          [[ $(curl -sf "$RELAY_LOCAL_GATEWAY_URL/health" | health_field unchained) == 0 ]] && break
          sleep 0.5
        done
        RELAY_DB_HOST=$RELAY_LOCAL_PG_HOST RELAY_DB_PORT=$RELAY_LOCAL_PG_PORT RELAY_DB_USER=$RELAY_LOCAL_PG_SUPERUSER \
          RELAY_DB_NAME=$RELAY_LOCAL_PG_DATABASE "$SCRATCH/$CONFIG/relay-dr" verify --local --region bench-ledger \
          2>/dev/null | sed -n '2p;6p' >&2
        DELAYS+=("$(cat "$STATE_ROOT/delays-$c-$round")")
      fi
      stop_local
    done
  done
done

echo
printf "%-6s %14s %14s %8s\n" conns "off req/s" "on req/s" "on/off"
for c in $CONNECTIONS; do
  awk -v c="$c" -v off="${SUM[off,$c]}" -v on="${SUM[embedded,$c]}" -v r="$ROUNDS" \
    'BEGIN { printf "%-6s %14.1f %14.1f %8.2f\n", c, off / r, on / r, on / off }'
done
printf "%s\n" "${DELAYS[@]}" | grep -E '^[0-9.]+$' | sort -g | awk '
  { v[NR] = $1 } END { if (NR) printf "chaining delay while loaded (oldest unchained record, sampled every 0.5 s): p50 %.3f s, max %.3f s, %d samples\n", v[int((NR + 1) / 2)], v[NR], NR }'
