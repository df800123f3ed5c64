# Shared by the benchmarks: local regions (relay-local up) in the background.
# build_products and start_local_region need SCRATCH and CONFIG, start_local_region also PORT; it
# sets LOCAL_PID and sources the env file (RELAY_LOCAL_*).

# build_products PRODUCT…: builds them ($CONFIG) into $SCRATCH, a scratch path of their own, so a
# benchmark build never blocks (or is blocked by) debug builds.
build_products() {
  echo "building ($CONFIG, $SCRATCH)..." >&2
  local product
  for product in "$@"; do swift build -c "$CONFIG" --scratch-path "$SCRATCH" --product "$product" >&2; done
}

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
  wait_for_local "$state" 240
}

# wait_for_local STATE_DIR TRIES: waits (TRIES × 0.5 s) for the relay-local started as LOCAL_PID to
# write STATE_DIR/env, then sources it; exits with relay-local's output if it died or never did.
wait_for_local() {
  local state="$1" tries="$2"
  for _ in $(seq 1 "$tries"); do
    [[ -s "$state/env" ]] && break
    kill -0 "$LOCAL_PID" 2>/dev/null || { cat "$state/relay-local.out"; exit 1; }
    sleep 0.5
  done
  [[ -s "$state/env" ]] || { echo "relay-local did not start" >&2; cat "$state/relay-local.out"; exit 1; }
  # shellcheck disable=SC1091
  source "$state/env"
}
