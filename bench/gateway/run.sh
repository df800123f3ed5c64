#!/usr/bin/env bash
# Gateway benchmark: unique-manifest load on POST /v1/manifest/validate at 16 and 64 connections
# (wrk) against a gateway with each policy engine (builtin, then OPA via tools/opa_server.py),
# and pgbench running the same inserts against the same database as the ceiling (unprepared, and
# prepared as the gateway sends them). With OPA, the OPA server alone is loaded too (opa-server:
# the decision request the gateway sends, bench/gateway/opa.lua), the OPA engine's own ceiling.
# Prints req/s, p50/p99 per engine and concurrency, and the gateway/pgbench, opa/builtin and
# gateway-opa/opa-server ratios.
# Everything on 127.0.0.1.
# Env: BENCH_SECONDS (default 20), BENCH_CONNECTIONS (default "16 64"), BENCH_ENGINES (default
# "builtin opa"), CONFIG (default release).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/opt/swift/usr/bin"
SECONDS_PER_RUN=${BENCH_SECONDS:-20}
CONNECTIONS=${BENCH_CONNECTIONS:-"16 64"}
ENGINES=${BENCH_ENGINES:-"builtin opa"}
CONFIG=${CONFIG:-release}
PORT=${BENCH_PORT:-18080}
STATE_ROOT=$(mktemp -d /tmp/relay-bench-XXXXXX)
PGBENCH=$(ls /usr/lib/postgresql/15/bin/pgbench 2>/dev/null || command -v pgbench)
# The OPA server's per-request log would cost more than the benchmark measures.
export RELAY_OPA_SERVER_QUIET=1

SCRATCH=".build-$CONFIG"
# shellcheck source=../lib/local-region.sh
source bench/lib/local-region.sh
build_products relay-gateway relay-local
if [[ " $ENGINES " == *" opa "* ]]; then scripts/install-opa.sh; fi
cleanup() { stop_local; rm -rf "$STATE_ROOT"; }
trap cleanup EXIT

# start_local ENGINE: a local region whose gateway uses ENGINE (rate limiting off: the benchmark
# measures the gateway, not the limiter).
start_local() {
  RELAY_RATE_LIMIT_RPS=0 start_local_region "$STATE_ROOT/$1" "bench-$1" --policy-engine "$1"
}

field() { sed -E "s/.*$1=([0-9.]+).*/\\1/" <<<"$2"; }

declare -A RPS ROW
pgbench_done=0
for engine in $ENGINES; do
  echo "running the $engine engine..." >&2
  start_local "$engine"
  for c in $CONNECTIONS; do
    threads=$(( c < 2 ? 1 : 2 ))
    gw=$(wrk -t"$threads" -c"$c" -d"${SECONDS_PER_RUN}s" --latency -s bench/gateway/validate.lua \
         "$RELAY_LOCAL_GATEWAY_URL" -- "$RANDOM" | grep '^RESULT')
    RPS[$engine,$c]=$(field req_s "$gw")
    ROW[$engine,$c]=$(printf "%-6s %-16s %10.1f %9s %9s %7s" "$c" "gateway-$engine" "${RPS[$engine,$c]}" \
      "$(field p50_ms "$gw")" "$(field p99_ms "$gw")" "$(sed -E 's/.*errors=([0-9]+).*/\1/' <<<"$gw")")
    if [[ $engine == opa ]]; then
      # The same decisions asked of the OPA server directly: the most the OPA engine can give.
      opa=$(wrk -t"$threads" -c"$c" -d"${SECONDS_PER_RUN}s" --latency -s bench/gateway/opa.lua \
            "$RELAY_LOCAL_OPA_URL" -- "$RANDOM" | grep '^RESULT')
      RPS[opa-server,$c]=$(field req_s "$opa")
      ROW[opa-server,$c]=$(printf "%-6s %-16s %10.1f %9s %9s %7s" "$c" "opa-server" "${RPS[opa-server,$c]}" \
        "$(field p50_ms "$opa")" "$(field p99_ms "$opa")" "$(sed -E 's/.*errors=([0-9]+).*/\1/' <<<"$opa")")
    fi
  done
  if (( ! pgbench_done )); then
    # The ceiling: the gateway's own inserts, straight into the same database, no HTTP and no policy:
    # sent unprepared (pgbench, -M extended: parsed and planned every time) and prepared (pgbench-prep,
    # -M prepared: as the gateway sends its insert, a statement prepared once per connection).
    for c in $CONNECTIONS; do
      threads=$(( c < 2 ? 1 : 2 ))
      for mode in extended prepared; do
        name=$([[ $mode == extended ]] && echo pgbench || echo pgbench-prep)
        pg=$("$PGBENCH" -n -M "$mode" -c "$c" -j "$threads" -T "$SECONDS_PER_RUN" -r -f bench/gateway/inserts.sql \
             -h "$RELAY_LOCAL_PG_HOST" -p "$RELAY_LOCAL_PG_PORT" -U "$RELAY_LOCAL_PG_SUPERUSER" "$RELAY_LOCAL_PG_DATABASE" 2>&1) \
          || { echo "pgbench failed:" >&2; echo "$pg" >&2; exit 1; }
        RPS[$name,$c]=$(grep -E '^tps' <<<"$pg" | sed -E 's/tps = ([0-9.]+).*/\1/')
        pg_lat=$(grep -E '^latency average' <<<"$pg" | sed -E 's/latency average = ([0-9.]+).*/\1/')
        pg_fail=$(grep -E 'number of failed transactions' <<<"$pg" | sed -E 's/.*: ([0-9]+).*/\1/')
        ROW[$name,$c]=$(printf "%-6s %-16s %10.1f %9s %9s %7s" "$c" "$name" "${RPS[$name,$c]}" "avg $pg_lat" "-" "${pg_fail:-0}")
      done
    done
    pgbench_done=1
  fi
  PSQL=(psql -X -q -h "$RELAY_LOCAL_PG_HOST" -p "$RELAY_LOCAL_PG_PORT" -U "$RELAY_LOCAL_PG_SUPERUSER" -d "$RELAY_LOCAL_PG_DATABASE")
  echo "rows written with the $engine engine (gateway and pgbench): $("${PSQL[@]}" -tAc 'SELECT count(*) FROM manifests')" >&2
  stop_local
done

printf "\n%-6s %-16s %10s %9s %9s %7s\n" conns system "req/s" "p50 ms" "p99 ms" errors
for c in $CONNECTIONS; do
  for system in $ENGINES opa-server pgbench pgbench-prep; do
    if [[ -n "${ROW[$system,$c]:-}" ]]; then echo "${ROW[$system,$c]}"; fi
  done
done
echo
for c in $CONNECTIONS; do
  for engine in $ENGINES; do
    awk -v c="$c" -v e="$engine" -v g="${RPS[$engine,$c]}" -v p="${RPS[pgbench,$c]}" -v q="${RPS[pgbench-prep,$c]}" \
      'BEGIN { printf "ratio gateway-%s/pgbench at %s connections: %.2f (/pgbench-prep: %.2f)\n", e, c, g / p, g / q }'
  done
  if [[ -n "${RPS[builtin,$c]:-}" && -n "${RPS[opa,$c]:-}" ]]; then
    awk -v c="$c" -v o="${RPS[opa,$c]}" -v b="${RPS[builtin,$c]}" \
      'BEGIN { printf "ratio opa/builtin at %s connections: %.2f\n", c, o / b }'
  fi
  if [[ -n "${RPS[opa,$c]:-}" && -n "${RPS[opa-server,$c]:-}" ]]; then
    awk -v c="$c" -v o="${RPS[opa,$c]}" -v s="${RPS[opa-server,$c]}" \
      'BEGIN { printf "ratio gateway-opa/opa-server at %s connections: %.2f\n", c, o / s }'
  fi
done
