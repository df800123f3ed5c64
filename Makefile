# Relay: the two README commands and their helpers. Each target installs what it needs.
SWIFT ?= $(shell command -v swift || echo /opt/swift/usr/bin/swift)
CONFIG ?= debug

.PHONY: run test build deps bench-gateway clean

## run: a local Relay region (PostgreSQL + gateway) on printed URLs; Ctrl-C stops everything.
run: deps
	$(SWIFT) build -c $(CONFIG) --product relay-gateway
	$(SWIFT) build -c $(CONFIG) --product relay-local
	.build/$(CONFIG)/relay-local up

## test: the whole test suite (starts its own PostgreSQL clusters).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

build:
	$(SWIFT) build -c $(CONFIG)

deps:
	@scripts/install-deps.sh

## bench-gateway: validate throughput at 16 and 64 connections vs a pgbench ceiling (release build).
bench-gateway:
	@scripts/install-deps.sh wrk postgresql-contrib
	bench/gateway/run.sh

clean:
	rm -rf .build .local
