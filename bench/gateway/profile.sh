#!/usr/bin/env bash
# Where a validate request's CPU goes: one local region (release build, rate limiting off), wrk
# at 16 connections with unique manifests, and during the run
#   1. CPU seconds per request of the gateway, of PostgreSQL (all its processes), of wrk and,
#      with the OPA engine, of the OPA server (from /proc, so the split is exact whatever perf
#      samples);
#   2. `perf record -g` of the gateway, summarised per stage (inclusive share of the gateway's
#      samples of the stage's top function: stages nest, so shares do not add up to 100 %).
# Everything on 127.0.0.1. Env: BENCH_SECONDS (20), PERF_SECONDS (10), CONFIG (release),
# BENCH_PORT (18080), PROFILE_ENGINE (builtin, or opa), PROFILE_KEEP (a path to keep perf.data at).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/opt/swift/usr/bin"
SECONDS_PER_RUN=${BENCH_SECONDS:-20}
PERF_SECONDS=${PERF_SECONDS:-10}
CONFIG=${CONFIG:-release}
PORT=${BENCH_PORT:-18080}
ENGINE=${PROFILE_ENGINE:-builtin}
SCRATCH=".build-$CONFIG"
STATE_ROOT=$(mktemp -d /tmp/relay-bench-profile-XXXXXX)
# shellcheck source=../lib/local-region.sh
source bench/lib/local-region.sh
# shellcheck source=../lib/perf.sh
source bench/lib/perf.sh
scripts/install-deps.sh wrk linux-perf >/dev/null
build_products relay-gateway relay-local
if [[ $ENGINE == opa ]]; then scripts/install-opa.sh; export RELAY_OPA_SERVER_QUIET=1; fi
cleanup() { stop_local; rm -rf "$STATE_ROOT"; }
trap cleanup EXIT

RELAY_RATE_LIMIT_RPS=0 start_local_region "$STATE_ROOT/region" profile-1 --policy-engine "$ENGINE"
GATEWAY_PID=$(pgrep -n -f "/relay-gateway( |$)") || { echo "no gateway process found" >&2; exit 1; }
OPA_PID=
if [[ $ENGINE == opa ]]; then OPA_PID=$(pgrep -n -f "tools/opa_server.py") || { echo "no OPA server process found" >&2; exit 1; }; fi
opa_ticks() { if [[ -n "$OPA_PID" ]]; then cpu_ticks "$OPA_PID"; else echo 0; fi; }

POSTMASTER_PID=$(postmaster_pid "$RELAY_LOCAL_PG_PORT")

echo "warming up..." >&2
wrk -t2 -c16 -d5s -s bench/gateway/validate.lua "$RELAY_LOCAL_GATEWAY_URL" -- 1 >/dev/null
g0=$(cpu_ticks "$GATEWAY_PID"); p0=$(cpu_ticks "$POSTMASTER_PID"); o0=$(opa_ticks)
echo "load: wrk -c16 for ${SECONDS_PER_RUN}s, perf on the gateway for ${PERF_SECONDS}s..." >&2
wrk -t2 -c16 -d"${SECONDS_PER_RUN}s" --latency -s bench/gateway/validate.lua "$RELAY_LOCAL_GATEWAY_URL" -- 2 >"$STATE_ROOT/wrk.txt" &
WRK_PID=$!
sleep 2
perf record -F 999 -g -p "$GATEWAY_PID" -o "$STATE_ROOT/perf.data" -- sleep "$PERF_SECONDS" >/dev/null 2>&1
w=$(cpu_ticks "$WRK_PID")  # before wrk exits
wait "$WRK_PID"
g1=$(cpu_ticks "$GATEWAY_PID"); p1=$(cpu_ticks "$POSTMASTER_PID"); o1=$(opa_ticks)
result=$(grep '^RESULT' "$STATE_ROOT/wrk.txt")
rps=$(sed -E 's/.*req_s=([0-9.]+).*/\1/' <<<"$result")
hz=$(getconf CLK_TCK)

echo
echo "== validate at 16 connections, $ENGINE engine: $result =="
awk -v g=$((g1 - g0)) -v p=$((p1 - p0)) -v o=$((o1 - o0)) -v w="$w" -v hz="$hz" -v r="$rps" -v s="$SECONDS_PER_RUN" -v e="$ENGINE" 'BEGIN {
  n = r * s
  opa = e == "opa" ? sprintf(", OPA server %.3f ms", 1000 * o / hz / n) : ""
  printf "CPU per request: gateway %.3f ms, PostgreSQL %.3f ms%s, wrk %.3f ms (whole run, %d requests)\n",
    1000 * g / hz / n, 1000 * p / hz / n, opa, 1000 * w / hz / n, n
  opa = e == "opa" ? sprintf(", OPA server %.2f", o / hz / s) : ""
  printf "cores busy: gateway %.2f, PostgreSQL %.2f%s, wrk %.2f\n", g / hz / s, p / hz / s, opa, w / hz / s
}'

echo
echo "== gateway CPU by stage (perf, inclusive share of the gateway's samples) =="
perf_report "$STATE_ROOT/perf.data" >"$STATE_ROOT/report.txt"
perf_stages "$STATE_ROOT/report.txt" <<'STAGES'
HTTP/1 parsing (NIOHTTP1, llhttp)|HTTPDecoder\.decode
request body to JSON (JSONParser)|JSONParser\.parse
manifest validation (ManifestValidator)|ManifestValidator\.validate
policy evaluation (the configured engine)|PolicyEngine\.evaluate|Engine\.evaluate
seal: canonical payload + Ed25519 (SealIssuer.issue)|SealIssuer\.issue
  of which Ed25519 signing (BoringSSL)|ED25519_sign
ledger body + SQL statement (LedgerRecord.write)|LedgerRecord\.write
  of which the ledger body (LedgerRecord.body)|LedgerRecord\.body
  of which the binds (RowWrites.inserts)|RowWrites\.inserts
PostgreSQL round trip in postgres-nio (send and decode)|PostgresChannelHandler\.(run|channelRead)
connection pool lease/release|ConnectionPool.*(leaseConnection|runRequestAction)
response JSON (JSONResponse)|JSONResponse\.response
per-request log lines (RequestLogMiddleware, swift-log)|RequestLogMiddleware\.log|StreamLogHandler\.log|JSONLogHandler\.log
metrics (HTTPMetricsMiddleware, swift-metrics)|GatewayMetrics\.|HTTPMetricsMiddleware\.handle
socket writes (write(2), from user space)|__GI___libc_write
STAGES
echo
echo "Runtime self time (reference counting, allocation) across all stages:"
perf report -i "$STATE_ROOT/perf.data" --no-children --sort sym -g none 2>/dev/null | grep -E '^ +[0-9.]+%' \
  | { grep -E 'swift_retain$|swift_release$|malloc$|_int_malloc$|_int_free$|cfree' || true; } \
  | awk '{ sub("%", "", $1); t += $1 } END { printf "  swift_retain/release + malloc/free: %.1f %% of the gateway samples\n", t }'
if [[ -n "${PROFILE_KEEP:-}" ]]; then cp "$STATE_ROOT/perf.data" "$PROFILE_KEEP"; echo "perf data kept in $PROFILE_KEEP" >&2; fi
