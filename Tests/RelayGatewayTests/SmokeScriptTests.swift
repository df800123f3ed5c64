import AsyncHTTPClient
import Foundation
import NIOCore
import RelayCore
import RelayLocal
import RelayTestSupport
import Testing

/// scripts/smoke.sh, the post-deploy check, against a real gateway process: it passes with auth
/// off and with an agent's token, and stops at the first failure, naming it.
@Suite(.timeLimit(.minutes(3)))
struct SmokeScriptTests {
    static let script = TestGateway.repoRoot + "/scripts/smoke.sh"

    func withGateway(authRequired: Bool, _ body: (String) async throws -> Void) async throws {
        let cluster = try await SharedCluster.shared.cluster()
        let database = try await SharedCluster.shared.freshDatabase(prefix: "gwsmoke")
        let port = try LoopbackPort.pickFree()
        let environment = [
            "RELAY_PRIVATE_KEY": Base64.encode(SigningKey.generate().seed), "RELAY_JWT_SECRET": TestGateway.jwtSecret,
            "RELAY_POLICY_DIR": TestGateway.repoRoot + "/gateway/policies", "RELAY_REGION": "test-1", "RELAY_API_HOST": "127.0.0.1",
            "RELAY_API_PORT": "\(port)", "RELAY_DB_HOST": cluster.host, "RELAY_DB_PORT": "\(cluster.port)", "RELAY_DB_NAME": database,
            "RELAY_DB_USER": cluster.superuser, "RELAY_AUTH_REQUIRED": "\(authRequired)", "RELAY_LOG_FORMAT": "json",
        ]
        try await TemporaryDirectory.with(prefix: "relay-gw-smoke-") { dir in
            try await GatewayBinary.serve(environment: environment, in: dir) { binary in
                let url = "http://127.0.0.1:\(port)"
                try await PolicyReloadTests.waitHealthy(url, binary)
                try await body(url)
            }
        }
    }

    static func smoke(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> ChildProcess.Output {
        try await ChildProcess.run(
            "/bin/bash", [script] + arguments, environment: ProcessInfo.processInfo.environment.merging(extra) { $1 })
    }

    @Test func passesWithAuthOffAndStopsAtTheFirstFailure() async throws {
        try await withGateway(authRequired: false) { url in
            let run = try await Self.smoke([url])
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("smoke: all 11 checks passed"), "\(run.stdout)")
            // A payment the policies deny where the script expects an approval: step 3 fails, named.
            let failing = try await Self.smoke([url], environment: ["SMOKE_APPROVE_AMOUNT": "999999"])
            #expect(failing.status == 1)
            #expect(failing.stderr.contains("smoke: FAILED at step 3: validate (amount 999999) was not approved"), "\(failing.stderr)")
            #expect(!failing.stdout.contains("step 4") && !failing.stdout.contains("all"), "\(failing.stdout)")
        }
    }

    @Test func passesWithAnAgentsTokenWhenAuthIsRequired() async throws {
        try await withGateway(authRequired: true) { url in
            // Without a token the first protected call is refused, and named.
            let anonymous = try await Self.smoke([url])
            #expect(anonymous.status == 1 && anonymous.stderr.contains("HTTP 401"), "\(anonymous.stderr)")
            var request = HTTPClientRequest(url: url + "/v1/orgs/register")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"org_name": "smoke org", "contact_email": "ops@example.com"}"#))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let registered = try JSONParser.parse(Array(buffer: try await response.body.collect(upTo: 1 << 20)))
            let token = try #require(registered["access_token"]?.stringValue, "\(registered)")
            let run = try await Self.smoke([url, token])
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
            #expect(try await Self.smoke([]).status == 2)
        }
    }
}
