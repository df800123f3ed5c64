#!/usr/bin/env bash
# Offline audit benchmark: a synthetic relay-audit-v1 file of BENCH_RECORDS records (a valid chain,
# a signed header every BENCH_BATCH records; bench/verify/make_export.py) checked by
# `relay-dr verify --offline` pinned to one core (taskset -c 0) under /usr/bin/time -v: records/s
# and peak RSS, for the full file and for a tenth of it (RSS must not grow with the records).
# No database, no network. Env: BENCH_RECORDS (1000000), BENCH_BATCH (500), BENCH_PAD (0 extra body
# bytes), CONFIG (release), BENCH_BIN (use the relay-dr of this folder and build nothing),
# BENCH_PYTHON=1 (also time tools/verify_audit.py, the independent verifier: slow).
# Last figures (docs/offline-audit.md, Performance): ~637,000 records/s at 1M, peak RSS ~35 MiB.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/opt/swift/usr/bin"
RECORDS=${BENCH_RECORDS:-1000000}
BATCH=${BENCH_BATCH:-500}
PAD=${BENCH_PAD:-0}
CONFIG=${CONFIG:-release}
SCRATCH=".build-$CONFIG"
BIN=${BENCH_BIN:-$SCRATCH/$CONFIG}
STATE=$(mktemp -d /tmp/relay-bench-verify-XXXXXX)
trap 'rm -rf "$STATE"' EXIT
# shellcheck source=../lib/local-region.sh
source bench/lib/local-region.sh

scripts/install-deps.sh
if [[ -z "${BENCH_BIN:-}" ]]; then build_products relay-dr; fi

# run_verify N: generates N records, verifies them on one core; prints "N seconds rss_kib".
run_verify() {
  local n=$1 dir="$STATE/$1"
  mkdir -p "$dir"
  python3 bench/verify/make_export.py --records "$n" --batch "$BATCH" --pad "$PAD" --out "$dir/audit.jsonl" --regions "$dir/regions"
  if ! /usr/bin/time -v -o "$dir/time.txt" taskset -c 0 "$BIN/relay-dr" verify --offline "$dir/audit.jsonl" \
    --regions "$dir/regions" --json >"$dir/report.json" 2>"$dir/stderr.txt"; then
    echo "relay-dr verify --offline did not accept the synthetic file:" >&2
    head -c 2000 "$dir/report.json" "$dir/stderr.txt" >&2
    exit 1
  fi
  python3 - "$n" "$dir" "$(stat -c %s "$dir/audit.jsonl")" <<'PY'
import json, re, sys
n, d, size = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
report = json.load(open(d + "/report.json"))
assert report["consistent"] and report["records"] == n and report["signed_through"] == n, report
t = open(d + "/time.txt").read()
def field(name):
    return re.search(re.escape(name) + r": (.*)", t).group(1).strip()
wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
seconds = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
rss = int(field("Maximum resident set size (kbytes)"))
user, system = float(field("User time (seconds)")), float(field("System time (seconds)"))
print(f"{n:>9} records  {size / n:6.0f} B/line  {seconds:7.2f} s wall  {user + system:7.2f} s cpu  "
      f"{n / seconds:>11,.0f} records/s  peak RSS {rss / 1024:7.1f} MiB")
PY
  if [[ "${BENCH_PYTHON:-0}" == 1 ]]; then
    local start end
    start=$(date +%s.%N)
    python3 tools/verify_audit.py "$dir/audit.jsonl" >/dev/null
    end=$(date +%s.%N)
    python3 -c "import sys; n, s = int(sys.argv[1]), float(sys.argv[2]); print(f'  tools/verify_audit.py: {s:.1f} s, {n / s:,.0f} records/s')" "$n" "$(echo "$end - $start" | bc)"
  fi
  rm -f "$dir/audit.jsonl"
}

echo "relay-dr verify --offline ($CONFIG build, one core: taskset -c 0), batches of $BATCH, body pad $PAD:"
run_verify $((RECORDS / 10))
run_verify "$RECORDS"
