import Foundation
import RelayCore
import RelaySystem
import Testing

@testable import RelayLocal

/// The plans of both local runs, from the real region files (no processes).
struct LocalRegionsPlanTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let regionsLocal = repository.appendingPathComponent("regions/local")

    static func plan(_ directory: URL = regionsLocal, environment: [String: String] = [:], settings: [String: String] = [:]) throws -> LocalRegionsPlan {
        let options = LocalRegionsOptions(
            regionsDirectory: directory.path, trafficRate: 20,
            run: LocalRunOptions(stateDirectory: "/srv/state", policyDirectory: "gateway/policies", binDirectory: "/opt/bin"))
        return LocalRegionsPlan(
            regions: try RegionSet.load(directory: directory.path), directory: directory, options: options, postgresSettings: settings,
            environment: environment, jwtSecret: "s3cret", parentPID: 4242, adminToken: "admin-token-0123456789")
    }

    @Test func everyRegionGetsItsClusterGatewayAndRelayDROnTheFilesPorts() throws {
        let plan = try Self.plan(settings: ["max_replication_slots": "20"])
        #expect(plan.regions.map(\.region.id) == ["ap-southeast-2", "eu-west-1", "us-east-1"])
        #expect(plan.regions.map(\.cluster.port) == [55433, 55432, 55431])
        #expect(plan.regions.allSatisfy { $0.cluster.name == $0.region.id && $0.cluster.extraSettings == ["max_replication_slots": "20"] })
        #expect(plan.regions.allSatisfy { $0.databaseName == "relay" && $0.databaseUser == "relay" })
        #expect(plan.trafficGateways == ["http://127.0.0.1:8083", "http://127.0.0.1:8082", "http://127.0.0.1:8081"])
        #expect(LocalRegionsPlan.ports(of: try RegionSet.load(directory: Self.regionsLocal.path)).map(\.description) == [
            "8083 (ap-southeast-2 gateway)", "9083 (ap-southeast-2 relay-dr)", "55433 (ap-southeast-2 postgres)",
            "8082 (eu-west-1 gateway)", "9082 (eu-west-1 relay-dr)", "55432 (eu-west-1 postgres)",
            "8081 (us-east-1 gateway)", "9081 (us-east-1 relay-dr)", "55431 (us-east-1 postgres)",
        ])
        #expect(plan.trafficLog.path == "/srv/state/logs/traffic.log" && plan.opaLog.path == "/srv/state/logs/opa.log")
    }

    @Test func keysAreCopiedFromDevKeysToTheStateFolder() throws {
        let us = try #require(try Self.plan().regions.last)
        let devKeys = Self.regionsLocal.appendingPathComponent("dev-keys").path
        #expect(us.sealKey == DevKeyCopy(purpose: "seal", source: devKeys + "/us-east-1-seal.key", target: "/srv/state/keys/us-east-1-seal.key"))
        #expect(us.ledgerKey == DevKeyCopy(purpose: "ledger", source: devKeys + "/us-east-1-ledger.key", target: "/srv/state/keys/us-east-1-ledger.key"))
        #expect(us.ledgerKeySetting == "file:/srv/state/keys/us-east-1-ledger.key")
        for key in [us.sealKey, us.ledgerKey] { #expect(FileManager.default.fileExists(atPath: key.source)) }
    }

    @Test func theGatewayRunsWithoutItsChainerOnItsURL() throws {
        let gateway = try #require(try Self.plan().regions.last).gateway
        #expect(gateway.executable == "/opt/bin/relay-gateway" && gateway.arguments == ["serve"])
        #expect(gateway.environment == [
            "RELAY_REGION": "us-east-1", "RELAY_DB_HOST": "127.0.0.1", "RELAY_DB_PORT": "55431", "RELAY_DB_NAME": "relay",
            "RELAY_DB_USER": "relay", "RELAY_PARENT_PID": "4242", "RELAY_POLICY_ENGINE": "builtin", "RELAY_POLICY_DIR": "gateway/policies",
            "RELAY_PRIVATE_KEY_FILE": "/srv/state/keys/us-east-1-seal.key", "RELAY_API_HOST": "127.0.0.1", "RELAY_API_PORT": "8081",
            "RELAY_REGIONS_DIR": Self.regionsLocal.path, "RELAY_CHAINER": "off", "RELAY_JWT_SECRET": "s3cret", "RELAY_AUTH_REQUIRED": "false",
        ])
        #expect(gateway.log.path == "/srv/state/logs/gateway-us-east-1.log")
        #expect(gateway.healthURL == "http://127.0.0.1:8081/health")
        #expect(gateway.adding(["RELAY_OPA_URL": "http://127.0.0.1:1"]).environment["RELAY_OPA_URL"] == "http://127.0.0.1:1")
    }

    @Test func relayDRChainsWithTheLedgerKeyAndWatchesTheRun() throws {
        let dr = try #require(try Self.plan().regions.first).dr
        #expect(dr.executable == "/opt/bin/relay-dr" && dr.arguments == ["run"])
        #expect(dr.environment == [
            "RELAY_REGION": "ap-southeast-2", "RELAY_DB_HOST": "127.0.0.1", "RELAY_DB_PORT": "55433", "RELAY_DB_NAME": "relay",
            "RELAY_DB_USER": "relay", "RELAY_PARENT_PID": "4242", "RELAY_REGIONS_DIR": Self.regionsLocal.path,
            "RELAY_LEDGER_KEY": "file:/srv/state/keys/ap-southeast-2-ledger.key", "RELAY_DR_ADMIN_TOKEN": "admin-token-0123456789",
        ])
        #expect(dr.log.path == "/srv/state/logs/relay-dr-ap-southeast-2.log")
        #expect(dr.healthURL == "http://127.0.0.1:9083/health")
    }

    @Test func aDatabaseUserFromTheEnvironmentIsResolved() throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("relay-plan-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let text = try String(contentsOf: Self.regionsLocal.appendingPathComponent("us-east-1.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "  user: relay\n", with: "  user_env: PLAN_DB_USER\n")
        try text.write(to: root.appendingPathComponent("us-east-1.yaml"), atomically: true, encoding: .utf8)
        #expect(try Self.plan(root, environment: ["PLAN_DB_USER": "ledger_writer"]).regions[0].databaseUser == "ledger_writer")
        #expect(try Self.plan(root, environment: ["PLAN_DB_USER": "ledger_writer"]).regions[0].dr.environment["RELAY_DB_USER"] == "ledger_writer")
        // Unset: the role every local region uses.
        #expect(try Self.plan(root).regions[0].databaseUser == "relay")
    }

    @Test func theEnvironmentFileNamesEveryRegionsEndpointsAndPIDs() throws {
        let plan = try Self.plan()
        let text = plan.environmentFile(pids: ["us-east-1": .init(gateway: 11, dr: 12)])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == #"RELAY_LOCAL_REGIONS="ap-southeast-2 eu-west-1 us-east-1""#)
        #expect(lines.contains("RELAY_LOCAL_REGIONS_DIR=\(Self.regionsLocal.path)"))
        #expect(lines.contains("RELAY_LOCAL_LOGS=/srv/state/logs") && lines.contains("RELAY_LOCAL_PG_SUPERUSER=postgres"))
        for line in [
            "RELAY_LOCAL_US_EAST_1_GATEWAY_URL=http://127.0.0.1:8081", "RELAY_LOCAL_US_EAST_1_DR_URL=http://127.0.0.1:9081",
            "RELAY_LOCAL_US_EAST_1_PG_PORT=55431", "RELAY_LOCAL_US_EAST_1_DB=relay", "RELAY_LOCAL_US_EAST_1_DR_PID=12",
            "RELAY_LOCAL_US_EAST_1_GATEWAY_PID=11", "RELAY_LOCAL_US_EAST_1_LEDGER_KEY=file:/srv/state/keys/us-east-1-ledger.key",
            "RELAY_LOCAL_EU_WEST_1_DR_PID=0", "RELAY_LOCAL_ADMIN_TOKEN_FILE=/srv/state/keys/admin-token",
        ] {
            #expect(lines.contains(line), "\(line)")
        }
        // relay-dr drill --kill crashes and restarts a region through this run.
        let kill = try #require(lines.first { $0.hasPrefix("RELAY_DRILL_KILL_COMMAND=\"") })
        #expect(kill.hasSuffix(" kill --state-dir /srv/state --region {region} --component postgres --component gateway\""), "\(kill)")
        #expect(lines.contains { $0.hasPrefix("RELAY_DRILL_RESTART_COMMAND=\"") && $0.hasSuffix(" restart --state-dir /srv/state --region {region}\"") })
        #expect(lines.count == 7 + 3 * 7 && text.hasSuffix("\n"))
    }

    @Test func theBannerListsEveryRegionAndTheStatusCommand() throws {
        let plan = try Self.plan()
        let banner = plan.banner(workingDirectory: Self.repository.path)
        #expect(banner.hasPrefix("\nRelay is running locally: 3 regions replicating to each other (regions: \(Self.regionsLocal.path))."))
        #expect(banner.contains("  us-east-1        gateway http://127.0.0.1:8081   relay-dr http://127.0.0.1:9081   postgres 127.0.0.1:55431/relay"))
        #expect(banner.contains("  traffic          20.0 validations/s across the gateways, every 3rd approved seal executed (log: /srv/state/logs/traffic.log)"))
        #expect(banner.contains(".build/debug/relay-dr status --regions-dir regions/local\n"))
        #expect(banner.contains("curl -s http://127.0.0.1:9083/v1/status"))
        #expect(banner.hasSuffix("Press Ctrl-C to stop and remove everything."))
        #expect(plan.banner(workingDirectory: "/elsewhere").contains("--regions-dir \(Self.regionsLocal.path)\n"))
    }

    @Test func postgresSettingsMustBeNameEqualsValue() throws {
        #expect(try LocalRegionsOptions(regionsDirectory: "r", postgresSettings: ["a=1", "b.c=x=y"]).parsedPostgresSettings() == ["a": "1", "b.c": "x=y"])
        #expect(throws: LocalRunError.self) { try LocalRegionsOptions(regionsDirectory: "r", postgresSettings: ["=1"]).parsedPostgresSettings() }
        do {
            _ = try LocalRegionsOptions(regionsDirectory: "r", postgresSettings: ["fsync"]).parsedPostgresSettings()
            Issue.record("accepted 'fsync'")
        } catch {
            #expect(error.description == "--pg-setting wants name=value (got 'fsync')")
        }
    }

    @Test func theOneRegionRunPlansItsGatewayAroundTheClustersPort() {
        let plan = SingleRegionPlan(
            options: SingleRegionOptions(
                region: "local-1", gatewayPort: 8000,
                run: LocalRunOptions(stateDirectory: "/srv/state", policyEngine: "opa", authRequired: true, binDirectory: "/opt/bin")),
            parentPID: 4242)
        #expect(plan.cluster.name == "local-1" && plan.cluster.port == nil)
        let gateway = plan.gateway(databasePort: 40001, jwtSecret: "s3cret", opaURL: "http://127.0.0.1:40002")
        #expect(gateway.executable == "/opt/bin/relay-gateway" && gateway.arguments == [])
        #expect(gateway.environment == [
            "RELAY_REGION": "local-1", "RELAY_DB_HOST": "127.0.0.1", "RELAY_DB_PORT": "40001", "RELAY_DB_NAME": "relay",
            "RELAY_DB_USER": "relay", "RELAY_PRIVATE_KEY_FILE": "/srv/state/keys/local-1-seal.key", "RELAY_API_HOST": "127.0.0.1",
            "RELAY_API_PORT": "8000", "RELAY_POLICY_DIR": "gateway/policies", "RELAY_JWT_SECRET": "s3cret", "RELAY_AUTH_REQUIRED": "true",
            "RELAY_POLICY_ENGINE": "opa", "RELAY_PARENT_PID": "4242", "RELAY_OPA_URL": "http://127.0.0.1:40002",
        ])
        #expect(gateway.healthURL == "http://127.0.0.1:8000/health" && gateway.log.path == "/srv/state/logs/gateway-local-1.log")
        #expect(plan.gateway(databasePort: 1, jwtSecret: "", opaURL: nil).environment["RELAY_OPA_URL"] == nil)
        #expect(
            plan.environmentFile(databasePort: 40001, opaURL: nil) == """
                RELAY_LOCAL_REGION=local-1
                RELAY_LOCAL_GATEWAY_URL=http://127.0.0.1:8000
                RELAY_LOCAL_PG_HOST=127.0.0.1
                RELAY_LOCAL_PG_PORT=40001
                RELAY_LOCAL_PG_SUPERUSER=postgres
                RELAY_LOCAL_PG_DATABASE=relay
                RELAY_LOCAL_POLICY_ENGINE=opa
                RELAY_LOCAL_OPA_URL=

                """)
        let banner = plan.banner(databasePort: 40001, clusterDirectory: "/tmp/relay-pg-local-1-x", opaURL: "http://127.0.0.1:40002")
        #expect(banner.contains("  policy      opa at http://127.0.0.1:40002 (log: /srv/state/logs/opa-local-1.log)"))
        #expect(banner.contains("  postgres    postgresql://postgres@127.0.0.1:40001/relay   (data: /tmp/relay-pg-local-1-x)"))
        #expect(banner.contains("Auth is REQUIRED (send Authorization: Bearer <access_token>)."))
    }

    @Test func errorsSayWhatToDo() {
        #expect(
            LocalRunError.portsInUse(["8081 (us-east-1 gateway)"]).description
                == "ports in use: 8081 (us-east-1 gateway); stop whatever holds them (an earlier relay-local?) first")
        #expect(LocalRunError.portsInUse([]).isInputError && LocalRunError.regionFiles("x").isInputError)
        #expect(!LocalRunError.notConverged(seconds: 60).isInputError)
        #expect(LocalRunError.executableNotFound("/opt/bin/relay-dr").description == "/opt/bin/relay-dr not found; build it first (make run does)")
    }
}
