#!/usr/bin/env bash
# Replication benchmark: the local three regions (regions/local, relay-local up --regions), fixed-rate
# validate load on one origin's gateway, replication lag per pair sampled every 200 ms for relay-dr
# and, in the same run on the same data, for PostgreSQL's own logical replication (a publication of
# the origin's ledger tables, a subscription in a database on a peer's cluster); then the catch-up
# of a peer relay-dr that was stopped while N records were written (rate and RSS).
# Everything on 127.0.0.1; needs the ports of regions/local free.
# Env: BENCH_SECONDS (30), BENCH_RATES ("1000 3000", validations/s), BENCH_BACKLOG (20000 records;
# 200000 for the full run), BENCH_ORIGIN (us-east-1), BENCH_PEER (eu-west-1: stopped for the
# catch-up, and holds the logical subscriber), CONFIG (release), BENCH_BIN (use the relay-* binaries
# of this folder and build nothing, e.g. .build/debug for a quick smoke run), BENCH_KEEP_LOGS (a folder
# to copy every process's log into before the run's state is deleted), BENCH_PERF (1: perf record
# the whole machine for BENCH_PERF_SECONDS (5) from the catch-up's first progress and print where
# each relay-dr's CPU goes; needs `swift demangle` on PATH).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/opt/swift/usr/bin"
SECONDS_PER_RUN=${BENCH_SECONDS:-30}
RATES=${BENCH_RATES:-"1000 3000"}
BACKLOG=${BENCH_BACKLOG:-20000}
ORIGIN=${BENCH_ORIGIN:-us-east-1}
PEER=${BENCH_PEER:-eu-west-1}
CONFIG=${CONFIG:-release}
SCRATCH=".build-$CONFIG"
BIN=${BENCH_BIN:-$SCRATCH/$CONFIG}
STATE=$(mktemp -d /tmp/relay-bench-repl-XXXXXX)
chmod 755 "$STATE"
# shellcheck source=../lib/local-region.sh
source bench/lib/local-region.sh
# shellcheck source=../lib/perf.sh
source bench/lib/perf.sh
DR_PID= TRAFFIC_PID=
cleanup() {
  for p in $TRAFFIC_PID $DR_PID; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  stop_local
  if [[ -n "${BENCH_KEEP_LOGS:-}" && -n "${RELAY_LOCAL_LOGS:-}" ]]; then
    mkdir -p "$BENCH_KEEP_LOGS" && cp -r "$RELAY_LOCAL_LOGS"/. "$BENCH_KEEP_LOGS"/ && echo "logs kept in $BENCH_KEEP_LOGS" >&2
  fi
  rm -rf "$STATE"
}
trap cleanup EXIT

if [[ -z "${BENCH_BIN:-}" ]]; then build_products relay-gateway relay-dr relay-local; fi
if [[ -n "${BENCH_PERF:-}" ]]; then scripts/install-deps.sh linux-perf >/dev/null; fi
var() { local v="RELAY_LOCAL_$(tr 'a-z-' 'A-Z_' <<<"$1")_$2"; echo "${!v}"; }

echo "starting the local regions (wal_level=logical for the comparison)..." >&2
# Rate limiting off: the benchmark drives one gateway far above a single caller's default limit.
RELAY_RATE_LIMIT_RPS=0 RELAY_LOG_LEVEL=warning "$BIN/relay-local" up --regions regions/local --traffic-rate 0 \
  --state-dir "$STATE" --env-file "$STATE/env" --pg-setting wal_level=logical --pg-setting max_wal_senders=20 \
  --pg-setting max_replication_slots=20 >"$STATE/relay-local.out" 2>&1 &
LOCAL_PID=$!
wait_for_local "$STATE" 360
GW=$(var "$ORIGIN" GATEWAY_URL); DR=$(var "$ORIGIN" DR_URL)
ORIGIN_PG=$(var "$ORIGIN" PG_PORT); PEER_PG=$(var "$PEER" PG_PORT)
SU=$RELAY_LOCAL_PG_SUPERUSER
psql_at() { local port=$1 db=$2; shift 2; psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$SU" -d "$db" "$@"; }

echo "setting up PostgreSQL logical replication $ORIGIN -> $PEER (database logical_sub)..." >&2
psql_at "$ORIGIN_PG" relay -c "CREATE PUBLICATION bench_pub FOR TABLE ledger_records, ledger"
psql_at "$PEER_PG" postgres -c "CREATE DATABASE logical_sub"
# Tables only: triggers and functions of the schema are not needed to receive rows.
pg_dump -s --no-owner -t ledger_records -t ledger -h 127.0.0.1 -p "$ORIGIN_PG" -U "$SU" relay \
  | grep -v -E '^(CREATE TRIGGER|ALTER TABLE .* ADD CONSTRAINT .* FOREIGN KEY)' \
  | psql -X -q -h 127.0.0.1 -p "$PEER_PG" -U "$SU" -d logical_sub >"$STATE/schema.log" 2>&1 || true
# When each row arrived in the subscriber (the copies of relay-dr have replica_ledger.applied_at).
psql_at "$PEER_PG" logical_sub -c "ALTER TABLE ledger ADD COLUMN applied_at timestamptz NOT NULL DEFAULT clock_timestamp()"
psql_at "$PEER_PG" logical_sub -c \
  "CREATE SUBSCRIPTION bench_sub CONNECTION 'host=127.0.0.1 port=$ORIGIN_PG dbname=relay user=$SU' PUBLICATION bench_pub"

declare -a ROWS
for rate in $RATES; do
  echo "load: $rate validations/s on $ORIGIN for ${SECONDS_PER_RUN}s..." >&2
  python3 bench/replication/lagpoll.py --origin "$ORIGIN" --dr-url "$DR" --sub-port "$PEER_PG" --pg-user "$SU" \
    --seconds "$SECONDS_PER_RUN" >"$STATE/lag-$rate.txt" &
  POLL_PID=$!
  window_from=$(date -u +%FT%T.%6NZ)
  traffic=$("$BIN/relay-local" traffic --gateway "$GW" --rate "$rate" --duration "$SECONDS_PER_RUN" --execute-every 0 \
    --max-in-flight 512 | grep '^RESULT')
  window_to=$(date -u +%FT%T.%6NZ)
  wait "$POLL_PID"
  head=$(grep '^HEAD' "$STATE/lag-$rate.txt" || true)
  ROWS+=("rate $rate/s: $traffic")
  ROWS+=("  ledger $head")
  while read -r line; do ROWS+=("  $line"); done < <(grep -E '^(LAG|OWN)' "$STATE/lag-$rate.txt")
  # Ratios relay-dr / logical of the p99 lag, in seconds and in records. Seconds have the poller's
  # resolution (0.2 s): a logical p99 of 0 means "under one interval", so the ratio is a lower bound.
  lagf() { grep "^LAG copy=$1" "$STATE/lag-$rate.txt" | sed -E "s/.*$2=([0-9.]+).*/\1/"; }
  rd=$(lagf "relay-dr_$ORIGIN->$PEER " s_p99); pg=$(lagf pg-logical s_p99)
  rdr=$(lagf "relay-dr_$ORIGIN->$PEER " rec_p99); pgr=$(lagf pg-logical rec_p99)
  rdm=$(lagf "relay-dr_$ORIGIN->$PEER " s_max); pgm=$(lagf pg-logical s_max)
  ROWS+=("  p99 lag relay-dr=${rd}s/${rdr}rec pg-logical=${pg}s/${pgr}rec; relay-dr/pg: $(awk -v a="$rd" -v b="$pg" -v i=0.2 \
    'BEGIN { if (b > 0) printf "%.2f", a / b; else if (a > 0) printf ">= %.1f (logical under the %.1f s resolution)", a / i, i; else printf "n/a (both under the %.1f s resolution)", i }') in seconds, $(awk -v a="$rdr" -v b="$pgr" \
    'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }') in records; max relay-dr=${rdm}s pg-logical=${pgm}s")
  # Let both copies drain before the next rate.
  for _ in $(seq 1 600); do
    lag=$(curl -s "$DR/v1/status" | python3 -c 'import json,sys; print(max([p["lag_records"] for p in json.load(sys.stdin)["peers"]] or [0]))')
    [[ "$lag" == "0" ]] && break
    sleep 0.2
  done
  # Exact lag per record, no poll resolution: from its commit at the origin (committed_at, carried
  # by every copy) to its insert into the copy (applied_at), one clock (this machine's), over the
  # records committed during the window. Both copies stamp the insert inside their apply
  # transaction, so neither counts its commit.
  # pcts ROWS: the SQL of the p50, p99 and max of column e (seconds) of the query ROWS, and its count.
  pcts() {
    echo "SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY e)::numeric, 4),
      round(percentile_cont(0.99) WITHIN GROUP (ORDER BY e)::numeric, 4), round(max(e)::numeric, 4), count(*) FROM ($1) x"
  }
  window="committed_at BETWEEN '$window_from' AND '$window_to'"
  exact() { # exact PORT DB TABLE ORIGIN-COLUMN: p50 p99 max (seconds) and the number of records
    psql_at "$1" "$2" -tA -F ' ' -c "$(pcts "SELECT extract(epoch FROM applied_at - committed_at) AS e FROM $3
      WHERE $4 = '$ORIGIN' AND $window")"
  }
  read -r lp50 lp99 lmax ln <<<"$(exact "$PEER_PG" logical_sub ledger region)"
  ROWS+=("  exact lag per record (commit at $ORIGIN -> applied in the copy): pg-logical p50 ${lp50}s p99 ${lp99}s max ${lmax}s ($ln records)")
  # The first part of relay-dr's lag: from the commit to the entry's link in the origin's chain.
  read -r c50 c99 cmax cn <<<"$(psql_at "$ORIGIN_PG" "$(var "$ORIGIN" DB)" -tA -F ' ' -c "$(pcts \
    "SELECT extract(epoch FROM chained_at - committed_at) AS e FROM ledger WHERE region = '$ORIGIN' AND $window")")"
  ROWS+=("    of which chaining at $ORIGIN (commit -> linked; both copies wait for it): p50 ${c50}s p99 ${c99}s max ${cmax}s ($cn records)")
  # (\copy takes one line.)
  psql_at "$ORIGIN_PG" "$(var "$ORIGIN" DB)" -c "\\copy (SELECT seq, chained_at FROM ledger WHERE region = '$ORIGIN' AND $window) TO '$STATE/chained.copy'"
  for peer in $(tr ',' ' ' <<<"${RELAY_LOCAL_REGIONS:-eu-west-1 ap-southeast-2}"); do
    [[ "$peer" == "$ORIGIN" ]] && continue
    read -r p50 p99 max n <<<"$(exact "$(var "$peer" PG_PORT)" "$(var "$peer" DB)" replica_ledger origin)"
    ROWS+=("    relay-dr $ORIGIN->$peer p50 ${p50}s p99 ${p99}s max ${max}s ($n records); p99 relay-dr/pg-logical: $(awk -v a="$p99" -v b="$lp99" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')")
    # The rest, per record: from its link at the origin to its insert into the copy (ship + apply).
    read -r s50 s99 smax _ <<<"$(psql_at "$(var "$peer" PG_PORT)" "$(var "$peer" DB)" -tA -F ' ' \
      -c "CREATE TEMP TABLE chained (seq bigint, chained_at timestamptz)" -c "\\copy chained FROM '$STATE/chained.copy'" \
      -c "$(pcts "SELECT extract(epoch FROM r.applied_at - c.chained_at) AS e FROM chained c
            JOIN replica_ledger r ON r.origin = '$ORIGIN' AND r.seq = c.seq")")"
    ROWS+=("      of which linked at $ORIGIN -> applied at $peer (ship + apply): p50 ${s50}s p99 ${s99}s max ${smax}s")
  done
done

echo "catch-up: stopping $PEER's relay-dr and the logical subscription, writing $BACKLOG records on $ORIGIN..." >&2
PEER_DR_PID=$(var "$PEER" DR_PID)
kill -TERM "$PEER_DR_PID"
while kill -0 "$PEER_DR_PID" 2>/dev/null; do sleep 0.1; done
psql_at "$PEER_PG" logical_sub -c "ALTER SUBSCRIPTION bench_sub DISABLE"
peer_lag() { curl -s "$DR/v1/status" | python3 -c "import json,sys; print([p['lag_records'] for p in json.load(sys.stdin)['peers'] if p['peer']=='$PEER'][0])"; }
"$BIN/relay-local" traffic --gateway "$GW" --rate "${BENCH_BACKLOG_RATE:-2000}" --execute-every 0 --max-in-flight 512 >"$STATE/backlog.txt" &
TRAFFIC_PID=$!
while (( $(peer_lag) < BACKLOG )); do sleep 0.2; done
kill -TERM "$TRAFFIC_PID"; wait "$TRAFFIC_PID" || true; TRAFFIC_PID=
sleep 1
backlog=$(peer_lag)
head=$(curl -s "$DR/v1/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["head"]["seq"])')
sub_seq() { psql_at "$PEER_PG" logical_sub -tA -c "SELECT coalesce(max(seq),0) FROM ledger WHERE region='$ORIGIN'"; }

echo "catch-up: restarting $PEER's relay-dr with a backlog of $backlog records..." >&2
RELAY_REGION=$PEER RELAY_REGIONS_DIR=$RELAY_LOCAL_REGIONS_DIR RELAY_DB_HOST=127.0.0.1 RELAY_DB_PORT=$PEER_PG \
  RELAY_DB_NAME=$(var "$PEER" DB) RELAY_DB_USER=relay RELAY_LEDGER_KEY=$(var "$PEER" LEDGER_KEY) \
  "$BIN/relay-dr" run >"$RELAY_LOCAL_LOGS/relay-dr-$PEER-catchup.log" 2>&1 &
DR_PID=$!
ORIGIN_DR_PID=$(var "$ORIGIN" DR_PID)
# CPU of the two relay-drs and the two PostgreSQL servers of the pair (bench/lib/perf.sh).
ticks_now() { echo "$(cpu_ticks "$ORIGIN_DR_PID") $(cpu_ticks "$DR_PID") $(cpu_ticks "$(postmaster_pid "$ORIGIN_PG")") $(cpu_ticks "$(postmaster_pid "$PEER_PG")")"; }
t0=$(date +%s.%N); t_first= ; rss_max=0; anon_max=0; ticks_first=
while :; do
  lag=$(peer_lag)
  now=$(date +%s.%N)
  read -r rss anon < <(awk '/VmRSS/ {r = $2} /RssAnon/ {a = $2} END {print r + 0, a + 0}' "/proc/$DR_PID/status" 2>/dev/null || echo 0 0)
  (( rss > rss_max )) && rss_max=$rss
  (( anon > anon_max )) && anon_max=$anon
  if [[ -z "$t_first" && "$lag" -lt "$backlog" ]]; then
    t_first=$now; ticks_first=$(ticks_now)
    if [[ -n "${BENCH_PERF:-}" ]]; then
      perf record -F 499 -a -g -o "$STATE/catchup.perf" -- sleep "${BENCH_PERF_SECONDS:-5}" >/dev/null 2>&1 &
      PERF_PID=$!
    fi
  fi
  [[ "$lag" == "0" ]] && break
  kill -0 "$DR_PID" 2>/dev/null || { echo "relay-dr exited" >&2; tail "$RELAY_LOCAL_LOGS/relay-dr-$PEER-catchup.log"; exit 1; }
  awk -v a="$now" -v b="$t0" 'BEGIN { exit !(a - b > 900) }' && { echo "catch-up took over 15 min" >&2; break; }
  sleep 0.2
done
t_end=$(date +%s.%N)
ticks_end=$(ticks_now)
if [[ -n "${PERF_PID:-}" ]]; then wait "$PERF_PID" || true; fi
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$DR_PID/status")
echo "catch-up: PostgreSQL logical replication, same backlog..." >&2
p0=$(date +%s.%N)
psql_at "$PEER_PG" logical_sub -c "ALTER SUBSCRIPTION bench_sub ENABLE"
while (( $(sub_seq) < head )); do sleep 0.2; done
p_end=$(date +%s.%N)

echo
echo "== replication lag under load ($ORIGIN -> peers; samples every 200 ms; ${SECONDS_PER_RUN}s per rate) =="
printf '%s\n' "${ROWS[@]}"
echo
echo "== catch-up of $PEER after a backlog of $backlog records ($ORIGIN -> $PEER) =="
# RSS counts the code pages mapped from the binary and the Swift libraries (file-backed, shared,
# ~42 MiB of an idle relay-dr); RssAnon is the process's own memory (heap and stacks).
awk -v b="$backlog" -v t0="$t0" -v tf="${t_first:-$t0}" -v te="$t_end" -v p0="$p0" -v pe="$p_end" -v rss="$rss_max" -v hwm="$hwm" \
  -v anon="$anon_max" 'BEGIN {
  printf "relay-dr:   %.1f s from restart to lag 0 (first progress after %.1f s), %.0f records/s once shipping; RSS max %.1f MiB (of which anonymous %.1f MiB), VmHWM %.1f MiB\n",
    te - t0, tf - t0, b / ((te - tf) > 0 ? (te - tf) : 1), rss / 1024, anon / 1024, hwm / 1024
  printf "pg-logical: %.1f s from ENABLE to caught up, %.0f records/s (chain rows + bodies)\n", pe - p0, b / ((pe - p0) > 0 ? (pe - p0) : 1)
  printf "catch-up rate relay-dr/pg-logical: %.2f\n", (b / ((te - tf) > 0 ? (te - tf) : 1)) / (b / ((pe - p0) > 0 ? (pe - p0) : 1))
}'
# CPU per 1,000 records shipped while catching up (from the first progress to lag 0).
read -r -a A <<<"$ticks_first"; read -r -a B <<<"$ticks_end"
awk -v b="$backlog" -v hz="$(getconf CLK_TCK)" -v s="$(awk -v a="$t_end" -v f="${t_first:-$t0}" 'BEGIN { print a - f }')" \
  -v od=$((B[0] - A[0])) -v pd=$((B[1] - A[1])) -v op=$((B[2] - A[2])) -v pp=$((B[3] - A[3])) 'BEGIN {
  k = b / 1000
  printf "catch-up CPU per 1,000 records (cores busy): origin relay-dr %.0f ms (%.2f), peer relay-dr %.0f ms (%.2f), origin PostgreSQL %.0f ms (%.2f), peer PostgreSQL %.0f ms (%.2f)\n",
    1000 * od / hz / k, od / hz / s, 1000 * pd / hz / k, pd / hz / s, 1000 * op / hz / k, op / hz / s, 1000 * pp / hz / k, pp / hz / s
}'
if [[ -n "${PERF_PID:-}" ]]; then
  echo
  echo "== catch-up profile (perf, ${BENCH_PERF_SECONDS:-5} s after the first progress; inclusive share of each process's samples) =="
  for who in "origin:$ORIGIN_DR_PID" "peer:$DR_PID"; do
    pid=${who#*:}
    perf_report "$STATE/catchup.perf" --pid "$pid" --percentage relative >"$STATE/report-$pid.txt"
    echo "${who%%:*} relay-dr:"
    perf_stages "$STATE/report-$pid.txt" <<'STAGES'
read the window (ShipperStore.entries)|ShipperStore\.entries
cut and sign a batch (Batch.make)|Batch\.make
wire JSON of a batch (Batch.json + CanonicalJSON.bytes)|Batch\.json|CanonicalJSON\.bytes
POST and answer (PeerShipper.post)|PeerShipper\.post
parse the wire JSON (Batch.parse)|Batch\.parse
check hashes, links, bodies (Batch.checkRecords)|Batch\.checkRecords
  of which SHA-256 (BoringSSL)|sha256_block
check the signature (Batch.checkSignature)|Batch\.checkSignature
apply transaction (ReplicaStore.withLockedHead)|ReplicaStore\.withLockedHead
  of which the replica insert (ReplicaTransaction.insert)|ReplicaTransaction\.insert
  of which materialising domain rows (ReplicaMaterializer)|ReplicaMaterializer\.materialize
postgres-nio (send and decode)|PostgresChannelHandler\.(run|channelRead)
STAGES
  done
fi
