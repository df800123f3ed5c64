import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import RelayCore
@testable import RelayGateway
import RelayLocal
import RelayPolicy
import RelayTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A policy change without a restart: on SIGHUP a running gateway under load switches sets with
/// no failed request and no decision made by a mix of sets; a broken file keeps the set in force;
/// a change of the files is picked up by itself once it has settled.
@Suite(.timeLimit(.minutes(3)))
struct PolicyReloadTests {
    static let v1 = """
        version: "1"
        rules:
          - name: allow_up_to_100
            parameter_constraints:
              amount: {max: 100}
            action: allow

        """
    static let v2 = """
        version: "2"
        rules:
          - name: deny_over_50
            parameter_constraints:
              amount: {gt: 50}
            action: deny
            reason: "over 50 since v2"
          - name: allow_up_to_100
            parameter_constraints:
              amount: {max: 100}
            action: allow

        """

    /// Replaces `name` in `directory` in one step, as a deployment tool should.
    static func write(_ text: String, _ name: String, in directory: TemporaryDirectory) throws {
        try text.write(toFile: directory.path(name), atomically: true, encoding: .utf8)
    }

    static func versions(_ text: String) throws -> String {
        try PolicySet(files: [PolicySet.parse(yaml: text, file: "/p/policy.yaml")]).version
    }

    @Test func onSIGHUPALoadedGatewaySwitchesSetsWithNoFailedRequestAndNoMixedDecision() async throws {
        let cluster = try await SharedCluster.shared.cluster()
        let database = try await SharedCluster.shared.freshDatabase(prefix: "gwreload")
        let apiPort = try LoopbackPort.pickFree()
        try await TemporaryDirectory.with(prefix: "relay-gw-reload-") { run in
          try await TemporaryDirectory.with(prefix: "relay-gw-policies-") { policies in
            try Self.write(Self.v1, "policy.yaml", in: policies)
            let (version1, version2) = (try Self.versions(Self.v1), try Self.versions(Self.v2))
            let environment = [
                "RELAY_PRIVATE_KEY": Base64.encode(SigningKey.generate().seed), "RELAY_JWT_SECRET": TestGateway.jwtSecret,
                "RELAY_POLICY_DIR": policies.path, "RELAY_POLICY_WATCH_SECONDS": "0", "RELAY_REGION": "test-1",
                "RELAY_API_HOST": "127.0.0.1", "RELAY_API_PORT": "\(apiPort)", "RELAY_DB_HOST": cluster.host, "RELAY_DB_PORT": "\(cluster.port)",
                "RELAY_DB_NAME": database, "RELAY_DB_USER": cluster.superuser, "RELAY_CHAINER": "off", "RELAY_AUTH_REQUIRED": "false",
                "RELAY_LOG_FORMAT": "json", "RELAY_RATE_LIMIT_RPS": "0",
            ]
            try await GatewayBinary.serve(environment: environment, in: run) { binary in
                let url = "http://127.0.0.1:\(apiPort)"
                try await Self.waitHealthy(url, binary)
                let load = Load()
                // Four clients validate a payment of 75 back to back: v1 approves it, v2 denies it.
                let clients = Task {
                    await withDiscardingTaskGroup { group in
                        for _ in 0..<4 {
                            group.addTask {
                                while !load.stop.load(ordering: .relaxed) {
                                    let reply = (try? await Self.validate(url, amount: 75)) ?? (0, .null)
                                    load.decisions.withLock { $0.append(reply) }
                                }
                            }
                        }
                    }
                }
                func seen(_ version: String) -> Bool { load.decisions.withLock { $0.contains { $0.json["policy_version"] == .string(version) } } }
                try await Self.until("load under v1") { seen(version1) }
                // Written but not signalled (watching is off): v1 stays.
                try Self.write(Self.v2, "policy.yaml", in: policies)
                try await Task.sleep(for: .seconds(1))
                #expect(!seen(version2))
                kill(binary.process.processIdentifier, SIGHUP)
                try await Self.until("decisions under v2") { seen(version2) }
                try await Task.sleep(for: .milliseconds(500))
                // A broken file: the reload fails, v2 stays in force, under load.
                try Self.write("version: \"3\"\nrules:\n  - name: x\n    action: permit\n", "zz-broken.yaml", in: policies)
                let before = load.decisions.withLock { $0.count }
                kill(binary.process.processIdentifier, SIGHUP)
                try await Self.until("the failed reload logged") { (try? binary.standardError())?.contains("policy reload failed") == true }
                try await Self.until("more decisions") { load.decisions.withLock { $0.count } > before + 20 }
                load.stop.store(true, ordering: .relaxed)
                await clients.value

                let all = load.decisions.withLock { $0 }
                #expect(all.allSatisfy { $0.status == 200 }, "failed: \(all.filter { $0.status != 200 }.prefix(3).map { "\($0.status) \($0.json)" })")
                var mixed: [JSONValue] = []
                for (_, json) in all {
                    let version = json["policy_version"]
                    let approved = json["approved"] == true
                    // One set decided each: v1 approves with a seal naming v1; v2 denies with v2's reason.
                    let consistent =
                        version == .string(version1)
                        ? approved && json["seal"]?["policy_version"] == .string(version1)
                        : version == .string(version2) && !approved && json["denial_reason"] == "over 50 since v2" && json["seal"] == .null
                    if !consistent { mixed.append(json) }
                }
                #expect(mixed.isEmpty, "\(mixed.count) decision(s) by no single set, e.g. \(mixed.first ?? .null)")
                let last = all.suffix(10).map { $0.json["policy_version"] }
                #expect(last.allSatisfy { $0 == .string(version2) }, "the broken file replaced v2: \(last)")
                let log = try binary.standardError().split(separator: "\n").compactMap { try? JSONParser.parse(Array($0.utf8)) }
                let replaced = log.first { $0["message"] == "policy set replaced" }
                #expect(replaced?["trigger"] == "SIGHUP" && replaced?["old_version"] == .string(version1) && replaced?["policy_version"] == .string(version2))
                let failed = try #require(log.first { $0["message"] == "policy reload failed; the set in force stays" }, "\(log)")
                #expect(failed["reason"]?.stringValue?.contains("zz-broken.yaml:4:") == true, "\(failed)")
                #expect(failed["policy_version"] == .string(version2))
                let metrics = try await HTTPClient.shared.execute(HTTPClientRequest(url: url + "/metrics"), timeout: .seconds(5))
                let text = String(buffer: try await metrics.body.collect(upTo: 1 << 20))
                #expect(text.contains("relay_policy_reload_failing 1"), "\(text)")
                #expect(text.contains("relay_policy_reloads_total{result=\"failed\"} 1"))
            }
          }
        }
    }

    @Test func aChangeOfTheFilesIsLoadedOnceItHasSettled() async throws {
        try await TemporaryDirectory.with(prefix: "relay-gw-watch-") { policies in
            try Self.write(Self.v1, "policy.yaml", in: policies)
            let engine = try ReloadablePolicyEngine(directory: policies.path)
            let metrics = GatewayMetrics(policyEngine: "builtin")
            let reloader = PolicyReloader(engine: engine, metrics: metrics, logger: Logger(label: "test"), watchInterval: .milliseconds(50))
            let watching = Task { await reloader.watch(every: .milliseconds(50)) }
            defer { watching.cancel() }
            try Self.write(Self.v2, "policy.yaml", in: policies)
            try await Self.until("v2 loaded by the watch") { engine.policies.version == (try? Self.versions(Self.v2)) }
            // A broken extra file: the set in force stays, and the failure shows.
            try Self.write("version: 4\n", "zz.yaml", in: policies)
            try await Self.until("the failure recorded") { metrics.registry.emitToString().contains("relay_policy_reload_failing 1") }
            #expect(engine.policies.version == (try Self.versions(Self.v2)))
            try FileManager.default.removeItem(atPath: policies.path("zz.yaml"))
            try await Self.until("recovered") { metrics.registry.emitToString().contains("relay_policy_reload_failing 0") }
        }
    }

    /// What the clients saw, and when to stop.
    final class Load: Sendable {
        let decisions = Mutex<[(status: Int, json: JSONValue)]>([])
        let stop = Atomic<Bool>(false)
    }

    static func until(_ what: String, within: Duration = .seconds(20), _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + within
        while !(await condition()) {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting for \(what)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    static func waitHealthy(_ url: String, _ binary: GatewayBinary) async throws {
        try await until("relay-gateway healthy", within: .seconds(60)) {
            guard binary.process.isRunning else { return true }
            let r = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url + "/health"), timeout: .seconds(2))
            return r?.status == .ok
        }
        try #require(binary.process.isRunning, "relay-gateway exited: \((try? binary.standardError()) ?? "")")
    }

    static func validate(_ url: String, amount: Int) async throws -> (status: Int, json: JSONValue) {
        let body: JSONValue = [
            "manifest": [
                "agent": ["agent_id": "agent_reload", "org_id": "org_reload"],
                "action": ["provider": "stripe", "method": "create_payment", "parameters": ["amount": .number(Double(amount)), "currency": "usd"]],
                "justification": ["reasoning": "policy reload test"],
            ]
        ]
        var request = HTTPClientRequest(url: url + "/v1/manifest/validate")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: CanonicalJSON.bytes(body)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), (try? JSONParser.parse(Array(buffer: bytes))) ?? .null)
    }
}
