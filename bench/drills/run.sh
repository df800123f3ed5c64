#!/usr/bin/env bash
# DR drill benchmark: the local three regions (regions/local, relay-local up --regions) under demo
# traffic; BENCH_DRILLS planned drills (switchover + failback) and as many crash drills (kill -9 of
# the source's gateway and PostgreSQL, forced failover, restart, failback), each under the drill's
# own routed load. Prints every move's RTO as the load saw it (command or kill → first validation of
# the source's traffic that succeeds where it was moved), their median and max per kind, and the
# crash drills' RPO: the loss the failover estimated against the stranded records counted at failback.
# Everything on 127.0.0.1; needs the ports of regions/local free.
# Env: BENCH_DRILLS (5), BENCH_LOAD (20 validations/s), BENCH_FROM (us-east-1), BENCH_TO (eu-west-1),
# CONFIG (debug: RTO is not bound by CPU), BENCH_BIN (use the relay-* binaries of this folder and
# build nothing).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/opt/swift/usr/bin"
DRILLS=${BENCH_DRILLS:-5}
LOAD=${BENCH_LOAD:-20}
FROM=${BENCH_FROM:-us-east-1}
TO=${BENCH_TO:-eu-west-1}
CONFIG=${CONFIG:-debug}
SCRATCH=".build-$CONFIG"
BIN=${BENCH_BIN:-$SCRATCH/$CONFIG}
STATE=$(mktemp -d /tmp/relay-bench-drills-XXXXXX)
chmod 755 "$STATE"
# shellcheck source=../lib/local-region.sh
source bench/lib/local-region.sh
cleanup() {
  stop_local
  rm -rf "$STATE"
}
trap cleanup EXIT

if [[ -z "${BENCH_BIN:-}" ]]; then build_products relay-gateway relay-dr relay-local; fi
echo "starting the local regions..." >&2
RELAY_LOG_LEVEL=warning "$BIN/relay-local" up --regions regions/local --traffic-rate 10 \
  --state-dir "$STATE" --env-file "$STATE/env" >"$STATE/relay-local.out" 2>&1 &
LOCAL_PID=$!
wait_for_local "$STATE" 360
export RELAY_REGIONS_DIR=regions/local
RELAY_DR_ADMIN_TOKEN=$(cat "$RELAY_LOCAL_ADMIN_TOKEN_FILE")
export RELAY_DR_ADMIN_TOKEN

for i in $(seq 1 "$DRILLS"); do
  for kind in planned crash; do
    flags=()
    [[ $kind == crash ]] && flags=(--kill --kill-command "$RELAY_DRILL_KILL_COMMAND" --restart-command "$RELAY_DRILL_RESTART_COMMAND")
    echo "drill $i ($kind)..." >&2
    if ! "$BIN/relay-dr" drill --from "$FROM" --to "$TO" --load "$LOAD" --yes --json "${flags[@]}" \
      >"$STATE/drill-$kind-$i.json" 2>"$STATE/drill-$kind-$i.log"; then
      echo "drill $i ($kind) did not complete:" >&2
      tail -20 "$STATE/drill-$kind-$i.log" >&2
      exit 1
    fi
  done
done

python3 - "$STATE" <<'PY'
import json, glob, statistics, sys
state = sys.argv[1]
moves = {}
rpo = []
for path in sorted(glob.glob(f"{state}/drill-*.json")):
    report = json.load(open(path))
    drill = "crash" if "crash" in path else "planned"
    for phase in report["phases"]:
        moves.setdefault(f"{drill} drill, {phase['kind']}", []).append(phase["rto_ms"])
    if drill == "crash":
        loss = (report.get("accepted_loss") or {}).get("records")
        rpo.append((loss, report.get("rpo_records")))
for kind, values in moves.items():
    known = sorted(v for v in values if v is not None)
    print(f"RTO {kind:26s} n={len(values)} median={statistics.median(known):.0f} ms max={max(known):.0f} ms "
          f"all={values} (unknown: {len(values) - len(known)})")
for i, (estimated, realised) in enumerate(rpo, 1):
    print(f"RPO crash drill {i}: estimated (shipped, not held by the successor) {estimated} record(s), "
          f"realised (stranded, counted at failback) {realised} record(s)")
PY
