-- wrk script: every request validates a NEW manifest (unique manifest_id), like real agents.
-- Usage: wrk ... -s validate.lua -- <run-id 0..65535>
-- Amounts cycle through 0..5999 so ~1/6 of decisions are denials (both paths are exercised).
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
  -- Answers a script's response() finds unusable (opa.lua: no decision); counted as errors.
  undecided = 0
end

function request()
  counter = counter + 1
  local id = string.format("%08x-%04x-4000-8000-%012x", tid, run, counter)
  local body = '{"manifest":{"manifest_id":"' .. id .. '","agent":{"agent_id":"agent_bench","org_id":"org_bench"},'
    .. '"action":{"provider":"stripe","method":"create_payment","parameters":{"amount":' .. (counter % 6000)
    .. ',"currency":"usd"}},"justification":{"reasoning":"benchmark","confidence_score":0.9}}}'
  return wrk.format("POST", "/v1/manifest/validate", { ["Content-Type"] = "application/json" }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  local unusable = 0
  for _, thread in ipairs(threads) do unusable = unusable + (thread:get("undecided") or 0) end
  io.write(string.format("RESULT req_s=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.status + e.timeout + unusable))
end
