# Shared by the benchmarks: one local region (relay-local up) in the background.
# Needs SCRATCH, CONFIG and PORT; sets LOCAL_PID; sources the region's env file (RELAY_LOCAL_*).

LOCAL_PID=
stop_local() {
  if [[ -n "$LOCAL_PID" ]]; then kill -TERM "$LOCAL_PID" 2>/dev/null || true; wait "$LOCAL_PID" 2>/dev/null || true; fi
  LOCAL_PID=
}

# start_local_region STATE_DIR REGION [relay-local up options…]: environment variables set by the
# caller (RELAY_CHAINER=…, RELAY_RATE_LIMIT_RPS=0, …) reach the gateway.
start_local_region() {
  local state="$1" region="$2"
  shift 2
  mkdir -p "$state"
  "$SCRATCH/$CONFIG/relay-local" up --region "$region" --gateway-port "$PORT" --state-dir "$state" \
    --env-file "$state/env" "$@" >"$state/relay-local.out" 2>&1 &
  LOCAL_PID=$!
  for _ in $(seq 1 240); do
    [[ -s "$state/env" ]] && break
    kill -0 "$LOCAL_PID" 2>/dev/null || { cat "$state/relay-local.out"; exit 1; }
    sleep 0.5
  done
  # shellcheck disable=SC1091
  source "$state/env"
}
