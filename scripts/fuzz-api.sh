#!/usr/bin/env bash
# Fuzz the gateway's HTTP API v1 with schemathesis, driven by the OpenAPI document in the repo.
#
#   scripts/fuzz-api.sh [BASE_URL]        # default http://127.0.0.1:8000 (`make run-single`; `make run` serves 8081-8083)
#
# Checks: no 5xx (`not_a_server_error`) and every documented response matches its schema
# (`response_schema_conformance`). Exits non-zero on any failure, or when the time limit hits.
# Tunables: FUZZ_MAX_EXAMPLES (per operation, default 25), FUZZ_TIMEOUT (seconds, default 300),
# FUZZ_WORKERS (default 1), FUZZ_TOKEN (a bearer JWT for the auth-protected endpoints), FUZZ_OUTPUT
# (also write schemathesis' output to this file: `make fuzz` reads the number of cases from it).
# The run writes manifests to the target's database: point it at a throwaway region only.
set -euo pipefail
cd "$(dirname "$0")/.."

base_url="${1:-http://127.0.0.1:8000}"
schema="$PWD/Sources/RelayGateway/Resources/openapi.json"
venv="$PWD/.local/venv-fuzz"
# The flags below were checked against this version's `schemathesis run --help`.
version="${SCHEMATHESIS_VERSION:-4.32.5}"

# Install schemathesis from PyPI into a private venv once (Debian: needs python3-venv).
if [ ! -x "$venv/bin/schemathesis" ]; then
    python3 -m venv "$venv" || { echo "fuzz-api: python3 -m venv failed (apt-get install python3-venv)" >&2; exit 2; }
    "$venv/bin/pip" install --quiet "schemathesis==$version"
fi

auth=()
[ -n "${FUZZ_TOKEN:-}" ] && auth=(--header "Authorization: Bearer $FUZZ_TOKEN")

# Run from .local/fuzz so schemathesis' caches (.schemathesis: replays past failures first,
# .hypothesis) stay out of the work tree.
mkdir -p .local/fuzz && cd .local/fuzz
# examples + coverage (boundary and invalid values) + fuzzing; no stateful phase (no links).
# `timeout` bounds the whole run; exit 124 means it was cut short.
set +e
timeout "${FUZZ_TIMEOUT:-300}" "$venv/bin/schemathesis" run "$schema" \
    --url "$base_url" \
    --checks not_a_server_error,response_schema_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "${FUZZ_MAX_EXAMPLES:-25}" \
    --workers "${FUZZ_WORKERS:-1}" \
    --request-timeout 10 \
    --generation-database none \
    --no-color \
    "${auth[@]}" 2>&1 | tee "${FUZZ_OUTPUT:-/dev/null}"
rc=${PIPESTATUS[0]}
set -e
[ "$rc" -eq 124 ] && echo "fuzz-api: time limit (${FUZZ_TIMEOUT:-300}s) reached" >&2
exit "$rc"
