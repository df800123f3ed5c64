#!/usr/bin/env bash
# Compliance report cost: the local three regions (regions/local, no traffic); into us-east-1's
# database, 30 days of 5-second lag samples for 6 pairs (us-east-1 → its two peers and four
# synthetic ones: ~3.1 million rows, with breaches, refusals and a gap) and, before them, a year of
# down-sampled minutes (~3.2 million rows). Then `relay-dr report` (release) over the 30 days and
# over the whole year plus 30 days: wall time of the command, peak RSS of the command and of
# us-east-1's relay-dr (which computes the section), against a baseline measured in the same run
# (`SELECT count(*)` over the same rows).
# Env: BENCH_DAYS (30), BENCH_HISTORY_DAYS (365), CONFIG (release), BENCH_BIN (use the relay-*
# binaries of this folder and build nothing, e.g. .build/debug).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/opt/swift/usr/bin"
DAYS=${BENCH_DAYS:-30}
HISTORY=${BENCH_HISTORY_DAYS:-365}
CONFIG=${CONFIG:-release}
SCRATCH=".build-$CONFIG"
BIN=${BENCH_BIN:-$SCRATCH/$CONFIG}
STATE=$(mktemp -d /tmp/relay-bench-report-XXXXXX)
chmod 755 "$STATE"
# shellcheck source=../lib/local-region.sh
source bench/lib/local-region.sh
cleanup() {
  stop_local
  rm -rf "$STATE"
}
trap cleanup EXIT

if [[ -z "${BENCH_BIN:-}" ]]; then build_products relay-gateway relay-dr relay-local; fi
var() { local v="RELAY_LOCAL_$(tr 'a-z-' 'A-Z_' <<<"$1")_$2"; echo "${!v:-}"; }

echo "starting the local regions..." >&2
# Raw samples stay raw for the whole bench: the retention must not move them while we measure.
RELAY_DR_LAG_RAW_RETENTION=3650d RELAY_RATE_LIMIT_RPS=0 RELAY_LOG_LEVEL=warning "$BIN/relay-local" up --regions regions/local \
  --traffic-rate 0 --state-dir "$STATE" --env-file "$STATE/env" >"$STATE/relay-local.out" 2>&1 &
LOCAL_PID=$!
wait_for_local "$STATE" 360
PGHOST=$(var us-east-1 PG_HOST); PGPORT=$(var us-east-1 PG_PORT); PGUSER=$(var us-east-1 PG_SUPERUSER); PGDATABASE=$(var us-east-1 PG_DATABASE)
: "${PGHOST:=127.0.0.1}" "${PGPORT:=55431}" "${PGUSER:=relay}" "${PGDATABASE:=relay}"
export PGHOST PGPORT PGUSER PGDATABASE
sql() { psql -X -A -t -q -v ON_ERROR_STOP=1 "$@"; }

# The period ends at the last whole hour; raw samples cover DAYS before it, minutes HISTORY before that.
END=$(date -u +%Y-%m-%dT%H:00:00Z)
START=$(date -u -d "$END - $DAYS days" +%Y-%m-%dT%H:%M:%SZ)
OLDEST=$(date -u -d "$START - $HISTORY days" +%Y-%m-%dT%H:%M:%SZ)
PEERS="ARRAY['eu-west-1','ap-southeast-2','bench-3','bench-4','bench-5','bench-6']"
echo "generating $DAYS days of 5 s samples for 6 pairs and $HISTORY days of minutes before them..." >&2
t0=$(date +%s.%N)
sql <<SQL
INSERT INTO lag_samples (origin, peer, sampled_at, lag_records, lag_seconds, batches_shipped, records_shipped, batches_refused)
SELECT 'us-east-1', peer, ts, (s * 400)::int8, s, 2, 800, CASE WHEN random() < 0.001 THEN '{"busy":1}'::jsonb ELSE '{}'::jsonb END
FROM (SELECT p.peer, g.ts, CASE WHEN random() < 0.0005 THEN 5 + random() * 30 ELSE random() * 2 END AS s
      FROM unnest($PEERS) AS p(peer),
           generate_series('$START'::timestamptz, '$END'::timestamptz - interval '5 s', interval '5 s') AS g(ts)) q;
-- A 20-minute sampling gap on every pair, ten days in.
DELETE FROM lag_samples WHERE origin = 'us-east-1'
  AND sampled_at >= '$START'::timestamptz + interval '10 days' AND sampled_at < '$START'::timestamptz + interval '10 days 20 minutes';
INSERT INTO lag_minutes (origin, peer, minute, samples, covered_seconds, p50_seconds, p99_seconds, max_seconds,
                         p50_records, p99_records, max_records, batches_shipped, records_shipped, batches_refused)
SELECT 'us-east-1', peer, m, 12, 60, s * 0.5, s, s * 1.2, (s * 200)::int8, (s * 400)::int8, (s * 480)::int8, 24, 9600, '{}'::jsonb
FROM (SELECT p.peer, g.m, CASE WHEN random() < 0.0005 THEN 5 + random() * 30 ELSE random() * 2 END AS s
      FROM unnest($PEERS) AS p(peer),
           generate_series('$OLDEST'::timestamptz, '$START'::timestamptz - interval '1 minute', interval '1 minute') AS g(m)) q;
ANALYZE lag_samples;
ANALYZE lag_minutes;
SQL
t1=$(date +%s.%N)
RAW=$(sql -c "SELECT count(*) FROM lag_samples WHERE origin = 'us-east-1' AND sampled_at >= '$START' AND sampled_at < '$END'")
MINUTES=$(sql -c "SELECT count(*) FROM lag_minutes WHERE origin = 'us-east-1'")
python3 -c "import sys; print(f'generated {int(sys.argv[1]):,} raw samples and {int(sys.argv[2]):,} minute rows in {float(sys.argv[4]) - float(sys.argv[3]):.1f} s')" "$RAW" "$MINUTES" "$t0" "$t1"

# Baseline: the database reading the same rows once.
baseline() {
  local t0 t1
  t0=$(date +%s.%N)
  sql -c "$1" >/dev/null
  t1=$(date +%s.%N)
  python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$t0" "$t1"
}
# relay-dr of us-east-1 (it computes the section): its peak RSS so far (VmHWM).
DR_PID=$(ss -ltnpH 'sport = :9081' | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
hwm() { awk '/VmHWM/ {print $2}' "/proc/$DR_PID/status" 2>/dev/null || echo 0; }
report() {
  local label=$1 from=$2 base=$3
  local before after
  before=$(hwm)
  /usr/bin/time -v -o "$STATE/$label.time" "$BIN/relay-dr" report --regions-dir regions/local --from "$from" --to "$END" \
    --format json --out "$STATE/$label.json" 2>"$STATE/$label.err" || true
  after=$(hwm)
  python3 - "$label" "$STATE/$label.time" "$STATE/$label.json" "$base" "$before" "$after" <<'PY'
import json, re, sys
label, timefile, out, base, before, after = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
t = open(timefile).read()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1)
parts = [float(p) for p in wall.split(":")]
seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
r = json.load(open(out))
pairs = [p for p in r["pairs"] if p["origin"] == "us-east-1"]
samples = sum(p["samples"] for p in pairs)
res = sorted({p["resolution"] for p in pairs})
print(f"{label:7} {seconds:6.2f} s wall ({seconds / base:5.1f} × the count(*) baseline of {base:.2f} s)  "
      f"relay-dr report peak RSS {rss / 1024:6.1f} MiB; us-east-1 relay-dr peak RSS {before / 1024:.1f} → {after / 1024:.1f} MiB; "
      f"{len(pairs)} pairs, {samples:,} samples, resolution {','.join(res)}, {sum(len(p['breaches']) for p in pairs)} breaches, "
      f"{sum(len(p['gaps']) for p in pairs)} gaps, verdict {r['verdict']}")
PY
}
B30=$(baseline "SELECT count(*) FROM lag_samples WHERE origin = 'us-east-1' AND sampled_at >= '$START' AND sampled_at < '$END'")
report "${DAYS}d" "$START" "$B30"
report "${DAYS}d#2" "$START" "$B30"
BALL=$(baseline "SELECT (SELECT count(*) FROM lag_samples WHERE origin = 'us-east-1' AND sampled_at >= '$OLDEST' AND sampled_at < '$END') + (SELECT count(*) FROM lag_minutes WHERE origin = 'us-east-1' AND minute >= '$OLDEST' AND minute < '$END')")
report "year+${DAYS}d" "$OLDEST" "$BALL"
