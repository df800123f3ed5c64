# Helpers of the profiling benchmarks (bench/gateway/profile.sh, BENCH_PERF=1 bench/replication/run.sh).

# cpu_ticks PID…: user+system clock ticks of these processes and of their children (a postmaster's
# backends and workers); a process that is gone counts 0.
cpu_ticks() {
  local total=0 pid t
  for pid in "$@" $(for p in "$@"; do pgrep -P "$p"; done); do
    t=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null) || continue
    total=$((total + t))
  done
  echo "$total"
}

# postmaster_pid PORT: the PostgreSQL server listening on PORT.
postmaster_pid() { pgrep -f "bin/postgres -D .*port=$1( |$)" | head -1; }

# perf_report DATA [perf report options…]: the inclusive share of every symbol, Swift names
# demangled (so stages are matched by their source names).
perf_report() {
  local data=$1
  shift
  perf report -i "$data" "$@" --children --sort sym -g none 2>/dev/null | { grep -E '^ +[0-9.]+%' || true; } \
    | swift demangle --simplified
}

# perf_stages REPORT: for every "label|regex" line on standard input, the largest inclusive share
# among the symbols of REPORT (a perf_report output) that match regex; stages nest, so the shares
# do not add up to 100 %.
perf_stages() {
  local report=$1 label regex share
  while IFS='|' read -r label regex; do
    share=$({ grep -E "$regex" "$report" || true; } | awk '{ sub("%", "", $1); if ($1 > m) m = $1 } END { printf "%.1f", m + 0 }')
    printf "  %-58s %5s %%\n" "$label" "$share"
  done
}
