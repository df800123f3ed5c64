# syntax=docker/dockerfile:1
# One image for both daemons: docker-compose.yml runs `relay-gateway serve` or `relay-dr run`.
#   docker build -t relay:dev .                          (the minimal runtime image)
#   docker build --target runtime-aws -t relay:aws .     (plus the AWS CLI for the Route 53 hook)
# Checked without a Docker engine by Tests/RelayLocalTests/ComposeFileTests.swift.

# ---- build: static Swift runtime, release binaries and their resource bundles ----
FROM swift:6.3-bookworm AS build
WORKDIR /src
COPY . .
# SwiftPM puts each target's resources in <package>_<Target>.resources next to the binaries
# (RelayStore: SQL migrations, RelayGateway: openapi.json); Bundle.module finds them there.
RUN --mount=type=cache,target=/src/.build \
    swift build -c release --static-swift-stdlib --product relay-gateway \
    && swift build -c release --static-swift-stdlib --product relay-dr \
    && mkdir -p /out/bin \
    && cp .build/release/relay-gateway .build/release/relay-dr /out/bin/ \
    && cp -R .build/release/relay_RelayStore.resources .build/release/relay_RelayGateway.resources /out/bin/

# ---- runtime: what the binaries link (ldd: libc, libm, libstdc++, libgcc_s, libz) plus curl
# for health checks; no Swift toolchain, no shell tools beyond Debian's base ----
FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl libstdc++6 zlib1g \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 relay \
    && useradd --system --uid 10001 --gid relay --home-dir /opt/relay --shell /usr/sbin/nologin relay
WORKDIR /opt/relay
COPY --from=build /out/bin/ /opt/relay/bin/
COPY --chmod=0755 scripts/container-entrypoint.sh /usr/local/bin/relay-entrypoint
# The default RELAY_POLICY_DIR (gateway/policies) resolves against the working directory.
COPY gateway/policies/ /opt/relay/gateway/policies/
# Region files (public keys only; .dockerignore keeps every dev-keys/ folder out of the image).
COPY regions/ /opt/relay/regions/
# relay-dr's on_route_change hook for Route 53 (it needs the AWS CLI: the runtime-aws image).
COPY --chmod=0755 deploy/aws/hooks/route53-switch.sh /opt/relay/hooks/route53-switch.sh
ENV PATH=/opt/relay/bin:$PATH
USER relay:relay
EXPOSE 8000 9000
ENTRYPOINT ["relay-entrypoint"]
CMD ["relay-gateway", "serve"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${RELAY_API_PORT:-8000}/health" >/dev/null || exit 1

# ---- runtime-aws: the same plus the AWS CLI, for relay-dr tasks that run the Route 53 hook
# (docker build --target runtime-aws -t relay:aws .; docs/deploy-aws.md) ----
FROM runtime AS runtime-aws
USER root
RUN apt-get update \
    && apt-get install -y --no-install-recommends awscli \
    && rm -rf /var/lib/apt/lists/*
USER relay:relay

# ---- the default target: the minimal runtime image ----
FROM runtime
