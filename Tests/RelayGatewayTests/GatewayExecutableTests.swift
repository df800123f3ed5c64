import AsyncHTTPClient
import Foundation
import NIOCore
import RelayCore
import RelayLocal
import RelayTestSupport
import Testing

/// The `relay-gateway` executable itself: its policy-engine settings stop start-up with exit
/// code 2 and one line naming the problem; with OPA it serves, and stops cleanly on SIGTERM.
@Suite(.timeLimit(.minutes(3)))
struct GatewayExecutableTests {
    private let base = [
        "RELAY_PRIVATE_KEY": Base64.encode(SigningKey.generate().seed), "RELAY_JWT_SECRET": TestGateway.jwtSecret,
        "RELAY_POLICY_DIR": TestGateway.repoRoot + "/gateway/policies",
    ]

    /// Runs `relay-gateway serve` with `base` plus `extra`: it must exit with 2, having written one
    /// line that starts with the configuration error `message`.
    private func expectRefused(_ extra: [String: String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let exit = try await GatewayBinary.exitStatus(environment: base.merging(extra) { $1 })
        let (status, text) = try #require(exit, "relay-gateway kept running with \(extra)", sourceLocation: sourceLocation)
        #expect(status == 2, "\(extra): \(text)", sourceLocation: sourceLocation)
        #expect(text.hasPrefix("relay-gateway: configuration error: \(message)"), "\(text)", sourceLocation: sourceLocation)
        #expect(text.hasSuffix("\n") && text.dropLast().split(separator: "\n").count == 1, "\(text)", sourceLocation: sourceLocation)
    }

    @Test func badPolicyEngineSettingsStopStartUpWithExitCode2NamingTheSetting() async throws {
        try await expectRefused(["RELAY_POLICY_ENGINE": "rego"], "RELAY_POLICY_ENGINE: must be 'builtin' or 'opa' (got 'rego')")
        try await expectRefused(["RELAY_POLICY_ENGINE": "opa", "RELAY_OPA_URL": "127.0.0.1:8181"], "RELAY_OPA_URL: ")
        try await expectRefused(["RELAY_POLICY_ENGINE": "opa", "RELAY_OPA_TIMEOUT_MS": "0"], "RELAY_OPA_TIMEOUT_MS: ")
    }

    @Test func anUnloadablePolicyDirectoryStopsStartUpWithExitCode2NamingTheFile() async throws {
        try await expectRefused(["RELAY_POLICY_DIR": "/nonexistent/relay-policies"], "/nonexistent/relay-policies: cannot read policy directory")
        try await TemporaryDirectory.with(prefix: "relay-gw-policies-") { directory in
            try "version: \"1\"\nrules:\n  - name: a\n    action: permit\n".write(
                toFile: directory.path("bad.yaml"), atomically: true, encoding: .utf8)
            try await expectRefused(["RELAY_POLICY_DIR": directory.path], "\(directory.path("bad.yaml")):4: rules[0].action")
        }
    }

    @Test func withOPAItServesDecisionsAndStopsCleanlyOnSIGTERM() async throws {
        let cluster = try await SharedCluster.shared.cluster()
        let database = try await SharedCluster.shared.freshDatabase(prefix: "gwbin")
        let apiPort = try LoopbackPort.pickFree()
        let fake = FakeOPA()
        try await fake.run { opaPort in
            let environment = base.merging([
                "RELAY_REGION": "test-1", "RELAY_API_HOST": "127.0.0.1", "RELAY_API_PORT": "\(apiPort)",
                "RELAY_DB_HOST": cluster.host, "RELAY_DB_PORT": "\(cluster.port)", "RELAY_DB_NAME": database,
                "RELAY_DB_USER": cluster.superuser, "RELAY_CHAINER": "off", "RELAY_AUTH_REQUIRED": "false", "RELAY_LOG_FORMAT": "json",
                "RELAY_POLICY_ENGINE": "opa", "RELAY_OPA_URL": "http://127.0.0.1:\(opaPort)",
                // The fake OPA runs in this test process, whose threads the suite's first seconds keep
                // busy for 10 s and more on 2 cores: the longest timeout, so only a real failure fails.
                "RELAY_OPA_TIMEOUT_MS": "60000",
            ]) { $1 }
            try await TemporaryDirectory.with(prefix: "relay-gw-binary-") { directory in
                try await GatewayBinary.serve(environment: environment, in: directory) { binary in
                    let url = "http://127.0.0.1:\(apiPort)"
                    let deadline = ContinuousClock.now + .seconds(60)
                    var health: Int?
                    while health != 200, binary.process.isRunning, ContinuousClock.now < deadline {
                        health = try? await Self.send(url + "/health").status
                        if health != 200 { try await Task.sleep(for: .milliseconds(100)) }
                    }
                    try #require(health == 200, "relay-gateway did not become healthy: \((try? binary.standardError()) ?? "")")

                    let body = CanonicalJSON.bytes(["manifest": sampleManifest()])
                    let decision = try await Self.send(url + "/v1/manifest/validate", post: body)
                    #expect(decision.status == 200, "\(decision.json)")
                    #expect(decision.json["approved"] == true)
                    #expect(decision.json["policy_version"] == "fake-1", "the decision came from OPA")

                    binary.process.terminate()
                    // Required: the exit status of a process still running is a crash, not an answer.
                    try #require(await binary.process.waitForExit(timeout: .seconds(120)), "relay-gateway did not stop on SIGTERM")
                    #expect(binary.process.terminationReason == .exit)
                    #expect(binary.process.terminationStatus == 0, "\((try? binary.standardError()) ?? "")")

                    let lines = try binary.standardError().split(separator: "\n").compactMap { try? JSONParser.parse(Array($0.utf8)) }
                    let starting = try #require(lines.first { $0["message"] == "starting" }, "\(lines)")
                    #expect(starting["policy_engine"] == "opa")
                    #expect(starting["opa_url"] == .string("http://127.0.0.1:\(opaPort)"))
                    #expect(starting["policy_path"] == "relay/policies/main")
                    #expect(starting["region"] == "test-1")
                    let reachable = try #require(lines.first { $0["message"] == "OPA reachable" }, "\(lines)")
                    #expect(reachable["policy_version"] == "fake-1")
                }
            }
        }
    }

    /// A GET over real HTTP, or a POST of `body` when there is one; the answer's status and JSON body.
    private static func send(_ url: String, post body: [UInt8]? = nil) async throws -> (status: Int, json: JSONValue) {
        var request = HTTPClientRequest(url: url)
        if let body {
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), (try? JSONParser.parse(Array(buffer: bytes))) ?? .null)
    }
}
