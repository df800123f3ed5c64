#!/usr/bin/env bash
# Post-deploy smoke test of a Relay gateway: every endpoint once, real requests, first failure stops.
#
#   scripts/smoke.sh URL [TOKEN]
#
# URL: the gateway's base URL (https://relay.example.com, http://127.0.0.1:8000). TOKEN: a bearer
# JWT of an agent (POST /v1/orgs/register returns one); required when the gateway requires auth
# (RELAY_AUTH_REQUIRED=true, the default), and then the manifests are sent as that agent.
# Checks, in order: /health, /v1/manifest/health, validate approved (a seal) and denied (a reason),
# /v1/seal/verify, mark-executed once (a second time is refused), /v1/audit/query finds the
# manifest, /v1/audit/stats, /v1/keys holds the seal's key, /metrics. Exit 0 when all pass,
# 1 at the first failure (named), 2 on bad usage. It writes two manifests and executes one seal
# (agent "relay-smoke" without a token): meant for a fresh deployment, visible in its audit log.
# Env: SMOKE_APPROVE_AMOUNT (100) and SMOKE_DENY_AMOUNT (999999), Stripe create_payment amounts in
# cents that the deployed policies approve and deny (the shipped policies: ≤ 5000 approved);
# SMOKE_TIMEOUT seconds per request (10). Needs curl and python3.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 || "$1" == -h || "$1" == --help ]]; then
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
  [[ $# -ge 1 && ( "$1" == -h || "$1" == --help ) ]] && exit 0
  exit 2
fi
base=${1%/}
token=${2:-}
approve=${SMOKE_APPROVE_AMOUNT:-100}
deny=${SMOKE_DENY_AMOUNT:-999999}
timeout=${SMOKE_TIMEOUT:-10}
work=$(mktemp -d /tmp/relay-smoke-XXXXXX)
trap 'rm -rf "$work"' EXIT
step=0

fail() { echo "smoke: FAILED at step $step: $*" >&2; exit 1; }
ok() { echo "smoke: ok   $step $*"; }

# call METHOD PATH [BODY]: sets $status and writes the body to $work/body.
call() {
  local method=$1 path=$2 body=${3:-}
  local args=(-sS -o "$work/body" -w '%{http_code}' -X "$method" --max-time "$timeout" -H 'Accept: application/json')
  [[ -n "$token" ]] && args+=(-H "Authorization: Bearer $token")
  [[ -n "$body" ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  step=$((step + 1))
  status=$(curl "${args[@]}" "$base$path" 2>"$work/curl.err") || fail "$method $path: $(cat "$work/curl.err")"
}

# field EXPR: evaluates a Python expression over the JSON body as `j` and prints it.
field() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$work/body" "$1" 2>/dev/null || echo "<no JSON>"; }

expect_status() { [[ "$status" == "$1" ]] || fail "$2: HTTP $status (expected $1): $(head -c 400 "$work/body")"; }

# The agent the manifests name: the token's, or an anonymous smoke agent.
if [[ -n "$token" ]]; then
  read -r agent org < <(python3 -c '
import base64, json, sys
p = sys.argv[1].split(".")[1]
c = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
print(c["agent_id"], c["org_id"])' "$token") || { echo "smoke: TOKEN is not a JWT with agent_id and org_id" >&2; exit 2; }
else
  agent=relay-smoke org=relay-smoke
fi
manifest() {
  printf '{"manifest":{"agent":{"agent_id":"%s","org_id":"%s"},"action":{"provider":"stripe","method":"create_payment","parameters":{"amount":%s,"currency":"usd"}},"justification":{"reasoning":"post-deploy smoke test"}}}' \
    "$agent" "$org" "$1"
}

call GET /health
expect_status 200 "GET /health"
[[ $(field 'j["status"]') == healthy ]] || fail "GET /health: status $(field 'j["status"]')"
ok "GET /health: healthy"

call GET /v1/manifest/health
expect_status 200 "GET /v1/manifest/health"
version=$(field 'j["policy_version"]')
[[ "$version" != None && "$version" != "<no JSON>" ]] || fail "GET /v1/manifest/health: no policy version (policy engine down?)"
ok "GET /v1/manifest/health: policy $version"

call POST /v1/manifest/validate "$(manifest "$approve")"
expect_status 200 "POST /v1/manifest/validate (amount $approve)"
[[ $(field 'j["approved"]') == True ]] || fail "validate (amount $approve) was not approved: $(field 'j.get("denial_reason")')"
seal=$(field 'j["seal"]["seal_id"]')
manifest_id=$(field 'j["manifest_id"]')
key_id=$(field 'j["seal"].get("key_id")')
ok "POST /v1/manifest/validate: approved, seal $seal"

call POST /v1/manifest/validate "$(manifest "$deny")"
expect_status 200 "POST /v1/manifest/validate (amount $deny)"
[[ $(field 'j["approved"]') == False ]] || fail "validate (amount $deny) was approved"
ok "POST /v1/manifest/validate: denied: $(field 'j["denial_reason"]')"

call GET "/v1/seal/verify?seal_id=$seal"
expect_status 200 "GET /v1/seal/verify"
[[ $(field 'j["valid"]') == True ]] || fail "GET /v1/seal/verify: seal not valid: $(head -c 400 "$work/body")"
ok "GET /v1/seal/verify: valid"

call POST "/v1/seal/mark-executed?seal_id=$seal"
expect_status 200 "POST /v1/seal/mark-executed"
call POST "/v1/seal/mark-executed?seal_id=$seal"
[[ "$status" == 400 ]] || fail "POST /v1/seal/mark-executed a second time: HTTP $status (a seal must execute once)"
ok "POST /v1/seal/mark-executed: executed once, refused the second time"

call GET "/v1/audit/query?agent_id=$agent&limit=50"
expect_status 200 "GET /v1/audit/query"
[[ $(field "any(r.get('manifest_id') == '$manifest_id' for r in j['results'])") == True ]] ||
  fail "GET /v1/audit/query: manifest $manifest_id not in the agent's records"
ok "GET /v1/audit/query: the manifest is recorded"

call GET "/v1/audit/stats"
expect_status 200 "GET /v1/audit/stats"
ok "GET /v1/audit/stats"

call GET /v1/keys
expect_status 200 "GET /v1/keys"
[[ $(field 'len(j["keys"])') -ge 1 ]] 2>/dev/null || fail "GET /v1/keys: no key served"
if [[ "$key_id" != None && "$key_id" != "<no JSON>" ]]; then
  [[ $(field "any(k.get('key_id') == '$key_id' for k in j['keys'])") == True ]] || fail "GET /v1/keys: the seal's key $key_id is not served"
fi
ok "GET /v1/keys"

call GET /metrics
expect_status 200 "GET /metrics"
grep -q '^relay_http_requests_total' "$work/body" || fail "GET /metrics: no relay_http_requests_total series"
ok "GET /metrics"
echo "smoke: all $step checks passed against $base"
