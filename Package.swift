// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "relay",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "relay-gateway", targets: ["relay-gateway"]),
        .executable(name: "relay-dr", targets: ["relay-dr"]),
        .executable(name: "relay-local", targets: ["relay-local"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "4.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // Already in the graph through async-http-client and hummingbird; named for relay-dr's TLS setup.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.2"),
    ],
    targets: [
        // Domain types, canonical JSON, hashing, Ed25519 keys/signatures, parsing, pure decisions:
        // no I/O (files, the environment and the clock are RelaySystem's). The import rules between
        // the modules are checked by Tests/RelayCoreTests/ModuleBoundaryTests.swift.
        .target(
            name: "RelayCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // What Relay reads from the system it runs on: key files, secret sources, region
        // directories, the clock; and the region hooks' commands it runs there.
        .target(name: "RelaySystem", dependencies: ["RelayCore"]),
        // PostgreSQL: migrations (SQL resources), domain writes and queries.
        .target(
            name: "RelayStore",
            dependencies: [
                "RelayCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // TLS to the server (RELAY_DB_TLS): managed PostgreSQL such as RDS forces it.
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Migrations")]
        ),
        // The ledger's chainer, its SQL, the ready gate and the migration service (gateway and relay-dr).
        .target(
            name: "RelayLedger",
            dependencies: [
                "RelayCore", "RelayStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Policy engines: the builtin YAML rules engine, the OPA REST client, the YAML → Rego compiler.
        .target(
            name: "RelayPolicy",
            dependencies: [
                "RelayCore", .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // relay-dr: shipper, receiver, lag, status, verification, export; decisions as state machines.
        .target(
            name: "RelayReplication",
            dependencies: [
                "RelayCore", "RelaySystem", "RelayStore", "RelayLedger",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                // TLS and mutual TLS on the replication port (server) and towards peers (client).
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // HTTP API v1 on Hummingbird 2.
        .target(
            name: "RelayGateway",
            dependencies: [
                "RelayCore", "RelaySystem", "RelayStore", "RelayPolicy", "RelayLedger",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources/openapi.json")]
        ),
        // Temporary local PostgreSQL clusters for tests; the local run (regions, their processes,
        // traffic) behind relay-local.
        .target(
            name: "RelayLocal",
            dependencies: [
                "RelayCore", "RelaySystem",
                // OPA policies for --policy-engine opa; relay-dr's status for the --once check.
                "RelayPolicy", "RelayReplication",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .executableTarget(
            name: "relay-gateway",
            dependencies: [
                "RelayCore", "RelaySystem", "RelayStore", "RelayPolicy", "RelayGateway",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "relay-dr",
            dependencies: [
                "RelayCore", "RelaySystem", "RelayStore", "RelayLedger", "RelayReplication",
                // The routed traffic generator that `relay-dr drill --load` measures RTO with.
                "RelayLocal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .executableTarget(
            name: "relay-local",
            dependencies: [
                "RelayLocal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Helpers shared by the test targets (evidence folders, log files, temporary folders, random draws).
        .target(name: "RelayTestSupport", dependencies: ["RelayCore"], path: "Tests/RelayTestSupport"),
        .testTarget(name: "RelayCoreTests", dependencies: ["RelayCore", "RelaySystem", "RelayLocal", "RelayTestSupport"]),
        .testTarget(
            name: "RelayPolicyTests",
            dependencies: [
                "RelayPolicy", "RelayLocal", "RelayTestSupport", .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "RelayStoreTests", dependencies: ["RelayCore", "RelaySystem", "RelayStore", "RelayLedger", "RelayLocal", "RelayTestSupport"]),
        .testTarget(
            name: "RelayLedgerTests",
            dependencies: ["RelayLedger", "RelayStore", "RelayLocal", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "RelayReplicationTests",
            dependencies: [
                "RelayReplication", "RelayLedger", "RelayStore", "RelaySystem", "RelayLocal", "RelayGateway", "RelayPolicy",
                "RelayTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "RelayLocalTests",
            dependencies: [
                "RelayLocal", "RelaySystem", "RelayTestSupport", .product(name: "Logging", package: "swift-log"),
                // RegionKillRestartTests: replication status across a restart.
                "RelayReplication",
                // ComposeFileTests: the container files against the region files and the policies.
                "RelayCore", "RelayPolicy", .product(name: "Yams", package: "Yams"),
                // TrafficGeneratorTests: a loopback HTTP server that answers like a gateway.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(
            name: "RelayGatewayTests",
            dependencies: [
                // RelayReplication: LedgerTests verify the chain the gateway wrote with relay-dr's local verifier.
                "RelayGateway", "RelayLedger", "RelaySystem", "RelayLocal", "RelayReplication", "RelayTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ]
)
