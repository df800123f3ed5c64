#!/usr/bin/env bash
# The crash-safety soak, repeated: SOAK_RUNS runs (default 1) of the crash test with
# RELAY_CRASH_ITERATIONS kill -9s each (default 300), optionally with SOAK_BUSY cores kept busy
# by `yes` (0, 1 or 2). Stops at the first failing run; its logs stay in the evidence folder the
# failure names. Prints one line per run and a summary. Expects the tests to be built.
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-$(command -v swift || echo /opt/swift/usr/bin/swift)}
runs=${SOAK_RUNS:-1}
kills=${RELAY_CRASH_ITERATIONS:-300}
busy=${SOAK_BUSY:-0}
log_dir=$(mktemp -d "${TMPDIR:-/tmp}/relay-soak-XXXXXX")
busy_pids=()
cleanup() { for p in "${busy_pids[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT INT TERM
for _ in $(seq 1 "$busy"); do (exec yes >/dev/null) & busy_pids+=($!); done

passed=0
for i in $(seq 1 "$runs"); do
    start=$(date +%s)
    RELAY_CRASH_ITERATIONS=$kills "$SWIFT" test --skip-build --filter CrashSafetyTests >"$log_dir/run-$i.log" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    if [ $rc -eq 0 ]; then
        passed=$((passed + 1))
        echo "soak run $i/$runs: passed, $kills kills, ${secs} s"
        rm -f "$log_dir/run-$i.log"
    else
        echo "soak run $i/$runs: FAILED after ${secs} s; output: $log_dir/run-$i.log"
        grep -E 'evidence kept in' "$log_dir/run-$i.log" | head -1
        echo "soak: $passed of $i runs passed"
        exit 1
    fi
done
rmdir "$log_dir" 2>/dev/null
echo "soak: all $runs runs passed ($kills kills each, $busy busy cores)"
