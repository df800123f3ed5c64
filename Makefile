# Relay: the two README commands and their helpers. Each target installs what it needs.
SWIFT ?= $(shell command -v swift || echo /opt/swift/usr/bin/swift)
CONFIG ?= debug

.PHONY: run run-single test build deps rego bench-gateway profile-gateway bench-ledger bench-replication bench-verify bench-report soak clean fuzz

# Extra `relay-local up` flags for run and run-single, e.g. RUN_FLAGS='--traffic-rate 0'.
RUN_FLAGS ?=
# How run and run-single start relay-local: `exec`, so that it replaces the recipe's shell and a
# SIGTERM that make passes on reaches it; RELAY_PARENT_PID=make's pid, so that it also stops
# when make is signalled alone (make does not pass SIGINT on: it waits for its recipe) or dies.
RELAY_LOCAL = RELAY_PARENT_PID=$$PPID exec .build/$(CONFIG)/relay-local

## run: the three local regions of regions/local (PostgreSQL + gateway + relay-dr each, replicating)
## with demo traffic; `relay-dr status --regions-dir regions/local` shows the lag; Ctrl-C stops everything
## (so does SIGINT or SIGTERM to make alone).
## RELAY_POLICY_ENGINE=opa make run also starts the local OPA server and pushes the compiled policies.
run: deps
	$(SWIFT) build -c $(CONFIG) --product relay-gateway
	$(SWIFT) build -c $(CONFIG) --product relay-dr
	$(SWIFT) build -c $(CONFIG) --product relay-local
	$(RELAY_LOCAL) up --regions regions/local --env-file .local/env --policy-engine "$${RELAY_POLICY_ENGINE:-builtin}" $(RUN_FLAGS)

## run-single: one local region (PostgreSQL + gateway with its embedded chainer) on port 8000.
run-single: deps
	$(SWIFT) build -c $(CONFIG) --product relay-gateway
	$(SWIFT) build -c $(CONFIG) --product relay-local
	$(RELAY_LOCAL) up --policy-engine "$${RELAY_POLICY_ENGINE:-builtin}" $(RUN_FLAGS)

## test: the whole test suite (starts its own PostgreSQL clusters and OPA servers; renders the HTML
## report and /status in headless Chromium, screenshots kept in test-artifacts/).
test: deps
	@scripts/install-deps.sh chromium-headless-shell fonts-dejavu-core
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

build:
	$(SWIFT) build -c $(CONFIG)

## rego: compile gateway/policies/ to gateway/rego/ (what docker-compose.yml's OPA servers load).
rego:
	$(SWIFT) build -c $(CONFIG) --product relay-gateway
	.build/$(CONFIG)/relay-gateway policy compile gateway/policies --out gateway/rego/relay.rego

## deps: Debian packages, and the real OPA engine in .local/opa/ (for tests and the OPA engine).
deps:
	@scripts/install-deps.sh
	@scripts/install-opa.sh

## fuzz: schemathesis on a throwaway local region, auth off then on, ≥ FUZZ_CASES (10000) cases each:
## 0 server errors and 0 schema violations (scripts/fuzz.sh; bounded by FUZZ_TIMEOUT per run).
fuzz:
	scripts/fuzz.sh

## bench-gateway: validate throughput at 16 and 64 connections vs a pgbench ceiling (release build).
bench-gateway:
	@scripts/install-deps.sh wrk postgresql-contrib
	bench/gateway/run.sh

## profile-gateway: where a validate request's CPU goes (gateway vs PostgreSQL per request, perf by stage).
profile-gateway:
	bench/gateway/profile.sh

## bench-ledger: validate throughput with chaining on vs off (alternated), chaining delay, chain verified.
bench-ledger:
	@scripts/install-deps.sh wrk
	bench/ledger/run.sh

## soak: the crash-safety test with 300 kill -9s (origin relay-dr, peer relay-dr, peer PostgreSQL) instead of 30;
## SOAK_RUNS=20 RELAY_CRASH_ITERATIONS=150 repeats it (stops at the first failure), SOAK_BUSY=1|2 keeps cores busy.
soak: deps
	$(SWIFT) build --build-tests
	SWIFT=$(SWIFT) scripts/soak.sh

## bench-replication: relay-dr lag per pair under fixed-rate load vs PostgreSQL logical replication,
## and catch-up from a backlog (release build; BENCH_SECONDS, BENCH_RATES, BENCH_BACKLOG adjust it).
bench-replication:
	@scripts/install-deps.sh curl
	bench/replication/run.sh

## bench-verify: relay-dr verify --offline of 1,000,000 synthetic records on one core (release build):
## records/s and peak RSS (BENCH_RECORDS, BENCH_PAD, CONFIG adjust it).
bench-verify:
	bench/verify/run.sh

## bench-report: relay-dr report (release build) over 30 days of 5 s lag samples for 6 pairs (~3.1M rows)
## and over a year of down-sampled minutes before them: wall time and peak RSS against a count(*) baseline.
bench-report:
	bench/report/run.sh

clean:
	rm -rf .build .local
