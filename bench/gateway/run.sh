#!/usr/bin/env bash
# Gateway benchmark: unique-manifest load on POST /v1/manifest/validate at 16 and 64 connections
# (wrk), and pgbench running the same inserts against the same database as the ceiling.
# Prints req/s, p50/p99 and the gateway/pgbench ratio per concurrency. Everything on 127.0.0.1.
# Env: BENCH_SECONDS (default 20), BENCH_CONNECTIONS (default "16 64"), CONFIG (default release).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/opt/swift/usr/bin"
SECONDS_PER_RUN=${BENCH_SECONDS:-20}
CONNECTIONS=${BENCH_CONNECTIONS:-"16 64"}
CONFIG=${CONFIG:-release}
PORT=${BENCH_PORT:-18080}
STATE=$(mktemp -d /tmp/relay-bench-XXXXXX)
PGBENCH=$(ls /usr/lib/postgresql/15/bin/pgbench 2>/dev/null || command -v pgbench)

# A separate scratch path, so a release build never blocks (or is blocked by) debug builds.
SCRATCH=".build-$CONFIG"
echo "building ($CONFIG, $SCRATCH)..." >&2
swift build -c "$CONFIG" --scratch-path "$SCRATCH" --product relay-gateway >&2
swift build -c "$CONFIG" --scratch-path "$SCRATCH" --product relay-local >&2

# Rate limiting off: the benchmark measures the gateway, not the limiter.
RELAY_RATE_LIMIT_RPS=0 "$SCRATCH/$CONFIG/relay-local" up --region bench --gateway-port "$PORT" --state-dir "$STATE" --env-file "$STATE/env" \
  >"$STATE/relay-local.out" 2>&1 &
LOCAL_PID=$!
cleanup() { kill -TERM "$LOCAL_PID" 2>/dev/null || true; wait "$LOCAL_PID" 2>/dev/null || true; rm -rf "$STATE"; }
trap cleanup EXIT
for _ in $(seq 1 240); do [[ -s "$STATE/env" ]] && break; kill -0 "$LOCAL_PID" 2>/dev/null || { cat "$STATE/relay-local.out"; exit 1; }; sleep 0.5; done
# shellcheck disable=SC1091
source "$STATE/env"
PSQL=(psql -X -q -h "$RELAY_LOCAL_PG_HOST" -p "$RELAY_LOCAL_PG_PORT" -U "$RELAY_LOCAL_PG_SUPERUSER" -d "$RELAY_LOCAL_PG_DATABASE")

printf "\n%-6s %-10s %10s %9s %9s %7s\n" conns system "req/s" "p50 ms" "p99 ms" errors
results=()
for c in $CONNECTIONS; do
  threads=$(( c < 2 ? 1 : 2 ))
  gw=$(wrk -t"$threads" -c"$c" -d"${SECONDS_PER_RUN}s" --latency -s bench/gateway/validate.lua \
       "$RELAY_LOCAL_GATEWAY_URL" -- "$RANDOM" | grep '^RESULT')
  gw_rps=$(sed -E 's/.*req_s=([0-9.]+).*/\1/' <<<"$gw")
  printf "%-6s %-10s %10s %9s %9s %7s\n" "$c" gateway "$gw_rps" \
    "$(sed -E 's/.*p50_ms=([0-9.]+).*/\1/' <<<"$gw")" "$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$gw")" \
    "$(sed -E 's/.*errors=([0-9]+).*/\1/' <<<"$gw")"
  pg=$("$PGBENCH" -n -M extended -c "$c" -j "$threads" -T "$SECONDS_PER_RUN" -r -f bench/gateway/inserts.sql \
       -h "$RELAY_LOCAL_PG_HOST" -p "$RELAY_LOCAL_PG_PORT" -U "$RELAY_LOCAL_PG_SUPERUSER" "$RELAY_LOCAL_PG_DATABASE" 2>&1) \
    || { echo "pgbench failed:" >&2; echo "$pg" >&2; exit 1; }
  pg_rps=$(grep -E '^tps' <<<"$pg" | sed -E 's/tps = ([0-9.]+).*/\1/')
  pg_lat=$(grep -E '^latency average' <<<"$pg" | sed -E 's/latency average = ([0-9.]+).*/\1/')
  pg_fail=$(grep -E 'number of failed transactions' <<<"$pg" | sed -E 's/.*: ([0-9]+).*/\1/')
  printf "%-6s %-10s %10s %9s %9s %7s\n" "$c" pgbench "$pg_rps" "avg $pg_lat" "-" "${pg_fail:-0}"
  results+=("$c $gw_rps $pg_rps")
done
echo
for r in "${results[@]}"; do
  read -r c g p <<<"$r"
  awk -v c="$c" -v g="$g" -v p="$p" 'BEGIN { printf "ratio gateway/pgbench at %s connections: %.2f\n", c, g / p }'
done
echo "rows written: $("${PSQL[@]}" -tAc 'SELECT count(*) FROM manifests')"
