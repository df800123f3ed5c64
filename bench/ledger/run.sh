#!/usr/bin/env bash
# Ledger benchmark: validate throughput with chaining ON vs chaining OFF (records written and left
# unchained), in two ON forms: the gateway's embedded chainer (RELAY_CHAINER=embedded) and the
# chainer in its own process (`relay-dr run --chainer-only`, gateway RELAY_CHAINER=off: the
# production layout). Modes alternate off/embedded/relay-dr in every round at each concurrency so
# machine noise hits all alike. /health is sampled every 0.5 s (in every mode, by one long-lived
# process): with chaining on, the chaining delay (age of the oldest unchained record) is reported as
# p50/max. After every ON run the whole
# chain is verified (relay-dr verify --local).
# Env: BENCH_SECONDS (default 15), BENCH_CONNECTIONS (default "16 64"), BENCH_ROUNDS (default 2),
# BENCH_MODES (default "off embedded relay-dr"), CONFIG (release).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/opt/swift/usr/bin"
SECONDS_PER_RUN=${BENCH_SECONDS:-15}
CONNECTIONS=${BENCH_CONNECTIONS:-"16 64"}
ROUNDS=${BENCH_ROUNDS:-2}
MODES=${BENCH_MODES:-"off embedded relay-dr"}
CONFIG=${CONFIG:-release}
PORT=${BENCH_PORT:-18090}
STATE_ROOT=$(mktemp -d /tmp/relay-bench-ledger-XXXXXX)
SCRATCH=".build-$CONFIG"
# shellcheck source=../lib/local-region.sh
source bench/lib/local-region.sh
build_products relay-gateway relay-local relay-dr
CHAINER_PID=
stop_chainer() {
  if [[ -n "$CHAINER_PID" ]]; then kill -TERM "$CHAINER_PID" 2>/dev/null || true; wait "$CHAINER_PID" 2>/dev/null || true; fi
  CHAINER_PID=
}
cleanup() { stop_chainer; stop_local; rm -rf "$STATE_ROOT"; }
trap cleanup EXIT

db_env() {
  RELAY_DB_HOST=$RELAY_LOCAL_PG_HOST RELAY_DB_PORT=$RELAY_LOCAL_PG_PORT RELAY_DB_USER=$RELAY_LOCAL_PG_SUPERUSER \
    RELAY_DB_NAME=$RELAY_LOCAL_PG_DATABASE "$@"
}

# start_local MODE RUN: a fresh local region; MODE off | embedded (the gateway's RELAY_CHAINER) |
# relay-dr (gateway off, plus `relay-dr run --chainer-only` on the region's database).
start_local() {
  local chainer=off
  [[ $1 == embedded ]] && chainer=embedded
  RELAY_CHAINER="$chainer" RELAY_RATE_LIMIT_RPS=0 start_local_region "$STATE_ROOT/$1-$2" bench-ledger --policy-engine builtin
  if [[ $1 == relay-dr ]]; then
    # Not through db_env: $! must be relay-dr itself, not a subshell, so stop_chainer reaches it.
    RELAY_LOG_LEVEL=warning RELAY_DB_HOST=$RELAY_LOCAL_PG_HOST RELAY_DB_PORT=$RELAY_LOCAL_PG_PORT \
      RELAY_DB_USER=$RELAY_LOCAL_PG_SUPERUSER RELAY_DB_NAME=$RELAY_LOCAL_PG_DATABASE RELAY_PARENT_PID=$$ \
      "$SCRATCH/$CONFIG/relay-dr" run --chainer-only --region bench-ledger >"$STATE_ROOT/$1-$2/chainer.log" 2>&1 &
    CHAINER_PID=$!
  fi
}

field() { sed -E "s/.*$1=([0-9.]+).*/\\1/" <<<"$2"; }
health_field() { python3 -c "import json,sys; print(json.load(sys.stdin)['ledger']['$1'])"; }

declare -A SUM
run_id=0
for c in $CONNECTIONS; do
  for round in $(seq 1 "$ROUNDS"); do
    for mode in $MODES; do
      start_local "$mode" "$c-$round"
      # Sampled in every mode, off included, so its cost (small: one process) is the same for all.
      python3 bench/lib/sample_health.py "$RELAY_LOCAL_GATEWAY_URL" >"$STATE_ROOT/delays-$mode-$c-$round" 2>/dev/null &
      sampler=$!
      run_id=$((run_id + 1))
      out=$(wrk -t2 -c"$c" -d"${SECONDS_PER_RUN}s" --latency -s bench/gateway/validate.lua "$RELAY_LOCAL_GATEWAY_URL" -- "$run_id" | grep '^RESULT')
      kill "$sampler" 2>/dev/null || true
      wait "$sampler" 2>/dev/null || true
      rps=$(field req_s "$out")
      printf "%-4s round %s chaining %-8s %8.1f req/s  p50 %s ms  p99 %s ms  errors %s\n" "$c" "$round" "$mode" "$rps" \
        "$(field p50_ms "$out")" "$(field p99_ms "$out")" "$(sed -E 's/.*errors=([0-9]+).*/\1/' <<<"$out")" >&2
      SUM[$mode,$c]=$(awk -v a="${SUM[$mode,$c]:-0}" -v b="$rps" 'BEGIN { print a + b }')
      if [[ $mode != off ]]; then
        # Let the chainer finish, then check the whole chain.
        for _ in $(seq 1 120); do
          [[ $(curl -sf "$RELAY_LOCAL_GATEWAY_URL/health" | health_field unchained) == 0 ]] && break
          sleep 0.5
        done
        db_env "$SCRATCH/$CONFIG/relay-dr" verify --local --region bench-ledger 2>/dev/null | sed -n '2p;6p' >&2
      fi
      stop_chainer
      stop_local
    done
  done
done

echo
printf "%-6s" conns
for mode in $MODES; do printf " %16s" "$mode req/s"; done
for mode in $MODES; do [[ $mode != off ]] && printf " %18s" "$mode/off"; done
echo
for c in $CONNECTIONS; do
  printf "%-6s" "$c"
  for mode in $MODES; do awk -v s="${SUM[$mode,$c]}" -v r="$ROUNDS" 'BEGIN { printf " %16.1f", s / r }'; done
  for mode in $MODES; do
    [[ $mode != off ]] && awk -v on="${SUM[$mode,$c]}" -v off="${SUM[off,$c]:-0}" 'BEGIN { if (off > 0) printf " %18.2f", on / off; else printf " %18s", "n/a" }'
  done
  echo
done
for mode in $MODES; do
  [[ $mode == off ]] && continue
  cat "$STATE_ROOT"/delays-"$mode"-* 2>/dev/null | grep -E '^[0-9.]+$' | sort -g | awk -v m="$mode" '
    { v[NR] = $1 } END { if (NR) printf "chaining delay (%s) while loaded (oldest unchained record, sampled every 0.5 s): p50 %.3f s, max %.3f s, %d samples\n", m, v[int((NR + 1) / 2)], v[NR], NR }'
done
