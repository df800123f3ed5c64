-- wrk script: the OPA server alone, asked for the decision the gateway asks it for on each
-- validate (POST /v1/data/relay/policies/main with the gateway's policy input), so the OPA
-- engine's gateway figures have the OPA server's own ceiling next to them.
-- Usage: wrk ... -s opa.lua -- <run-id 0..65535>
-- setup, init and the RESULT line are validate.lua's (the benchmark runs wrk from the repository).
dofile("bench/gateway/validate.lua")

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
  -- wrk counts statuses above 399 itself; any other answer that is not a decision naming allow
  -- is counted here.
  if status <= 399 and (status ~= 200 or not string.find(body, '"allow"', 1, true)) then undecided = undecided + 1 end
end
