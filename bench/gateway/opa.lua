-- wrk script: the OPA server alone, asked for the decision the gateway asks it for on each
-- validate (POST /v1/data/relay/policies/main with the gateway's policy input), so the OPA
-- engine's gateway figures have the OPA server's own ceiling next to them.
-- Usage: wrk ... -s opa.lua -- <run-id 0..65535>
local next_tid = 0
local threads = {}

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

function init(args)
  run = tonumber(args[1] or "0") % 65536
  counter = 0
  bad = 0
end

function request()
  counter = counter + 1
  local id = string.format("%08x-%04x-4000-8000-%012x", tid, run, counter)
  local body = '{"input":{"action":{"method":"create_payment","parameters":{"amount":' .. (counter % 6000)
    .. ',"currency":"usd"},"provider":"stripe"},"agent":{"agent_id":"agent_bench","org_id":"org_bench"},'
    .. '"environment":"production","justification":{"confidence_score":0.9,"reasoning":"benchmark"},'
    .. '"manifest_id":"' .. id .. '","timestamp":"2026-01-01T00:00:00Z"}}'
  return wrk.format("POST", "/v1/data/relay/policies/main", { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  -- A decision the gateway could use names allow; anything else is counted as an error.
  if status ~= 200 or not string.find(body, '"allow"', 1, true) then bad = bad + 1 end
end

function done(summary, latency, requests)
  local e = summary.errors
  local undecided = 0
  for _, thread in ipairs(threads) do undecided = undecided + thread:get("bad") end
  io.write(string.format("RESULT req_s=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout + undecided))
end
