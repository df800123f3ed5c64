import Foundation
import Hummingbird
import RelayCore
import RelayLocal
import RelayPolicy
import Synchronization
import Testing

/// The gateway with the OPA engine: decisions from the real OPA engine, and fail-closed
/// behaviour (503, nothing written) whenever OPA is down, slow or answers nonsense.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct OPAEngineTests {
    /// Runs `body` with a gateway whose OPA engine points at `url`; shuts the engine down after.
    func withGateway(
        opaURL url: String, timeout: Duration = .seconds(5), _ body: @Sendable (TestGateway, HTTPTestClient) async throws -> Void
    ) async throws {
        let engine = OPAPolicyEngine(configuration: try OPAConfiguration(url: url, timeout: timeout))
        do {
            let gateway = try await TestGateway.make(policy: engine)
            try await gateway.run { http in try await body(gateway, http) }
            try await engine.shutdown()
        } catch {
            try? await engine.shutdown()
            throw error
        }
    }

    @Test func approvedAndDeniedDecisionsComeFromOPA() async throws {
        let server = try await RealOPA.start()
        let version = try RealOPA.shippedModules().policyVersion
        do {
            try await withGateway(opaURL: server.url) { gateway, http in
                let approved = try await http.validate(sampleManifest(parameters: ["amount": 5000, "currency": "usd"]))
                #expect(approved.status == 200)
                #expect(approved.json["approved"] == true)
                #expect(approved.json["seal"]?["approved"] == true)
                #expect(approved.json["denial_reason"] == .null)
                #expect(approved.json["policy_version"] == .string(version))

                let denied = try await http.validate(sampleManifest(parameters: ["amount": 5000.5]))
                #expect(denied.status == 200)
                #expect(denied.json["approved"] == false)
                #expect(denied.json["seal"] == .null)
                #expect(denied.json["denial_reason"] == "Payment amount exceeds $50.00 limit")

                let unmatched = try await http.validate(sampleManifest(parameters: ["amount": "5000"]))
                #expect(unmatched.json["denial_reason"] == "No policy matched")
                #expect(try await gateway.rowCounts() == "3,3,0")

                let health = try await http.request(.get, "/health")
                #expect(health.status == 200)
                #expect(health.json["components"]?["opa"] == "healthy")
                let manifestHealth = try await http.request(.get, "/v1/manifest/health")
                #expect(manifestHealth.json["opa_available"] == true)
                #expect(manifestHealth.json["policy_engine"] == "opa")
                #expect(manifestHealth.json["policy_version"] == .string(version))
            }
            await server.stop()
        } catch {
            await server.stop()
            throw error
        }
    }

    @Test func opaDownFailsClosedAndTheGatewayRecoversWhenOPAReturns() async throws {
        let first = try await RealOPA.start()
        let port = first.port
        let restarted = ServerHolder()
        do {
            try await withGateway(opaURL: first.url, timeout: .milliseconds(500)) { gateway, http in
                #expect(try await http.validate(sampleManifest()).status == 200)
                #expect(try await gateway.rowCounts() == "1,1,0")

                await first.stop()
                let refused = try await http.validate(sampleManifest())
                #expect(refused.status == 503)
                #expect(refused.json["detail"] == "Policy engine unavailable")
                #expect(try await http.validate(sampleManifest(), dryRun: true).status == 503)
                #expect(try await gateway.rowCounts() == "1,1,0")
                let down = try await http.request(.get, "/health")
                #expect(down.status == 503)
                #expect(down.json["status"] == "unhealthy")
                #expect(down.json["components"]?["opa"] == "unhealthy")
                #expect(down.json["components"]?["database"] == "healthy")
                let manifestDown = try await http.request(.get, "/v1/manifest/health")
                #expect(manifestDown.json["status"] == "degraded")
                #expect(manifestDown.json["opa_available"] == false)
                #expect(manifestDown.json["policy_version"] == .null)

                // OPA comes back on the same address (empty at first, then with policies): no gateway restart.
                let again = try await OPAServer.start(script: TestGateway.repoRoot + "/tools/opa_server.py", port: port)
                restarted.server.withLock { $0 = again }
                #expect(try await http.validate(sampleManifest()).status == 503)  // no policy loaded yet
                #expect(try await http.request(.get, "/health").status == 503)
                try await OPAPolicyPublisher(url: again.url).push(try RealOPA.shippedModules().all)
                let back = try await http.validate(sampleManifest())
                #expect(back.status == 200)
                #expect(back.json["approved"] == true)
                #expect(try await gateway.rowCounts() == "2,2,0")
                let up = try await http.request(.get, "/health")
                #expect(up.status == 200)
                #expect(up.json["components"]?["opa"] == "healthy")
                #expect(try await http.request(.get, "/v1/manifest/health").json["opa_available"] == true)
            }
        } catch {
            await first.stop()
            await restarted.server.withLock { $0 }?.stop()
            throw error
        }
        await first.stop()
        await restarted.server.withLock { $0 }?.stop()
    }

    @Test func opaSlowerThanTheTimeoutFailsClosedQuickly() async throws {
        let fake = FakeOPA()
        try await fake.run { port in
            // Margins are wide (1 s timeout, 10 s answers) so a loaded CI machine cannot blur them.
            try await withGateway(opaURL: "http://127.0.0.1:\(port)", timeout: .seconds(1)) { gateway, http in
                var first = 0
                for _ in 0..<5 where first != 200 { first = try await http.validate(sampleManifest()).status }
                #expect(first == 200)  // the fake answers "allow"
                fake.answerDecisions(.init(body: #"{"result": {"allow": true}}"#, delay: .seconds(10)))
                fake.answerVersion(.init(body: #"{"result": "fake-1"}"#, delay: .seconds(10)))
                let started = ContinuousClock.now
                let slow = try await http.validate(sampleManifest())
                let elapsed = ContinuousClock.now - started
                #expect(slow.status == 503)
                #expect(elapsed < .seconds(6), "a 1 s timeout must not wait for a 10 s answer (took \(elapsed))")
                #expect(try await gateway.rowCounts() == "1,1,0")
                let health = try await http.request(.get, "/health")
                #expect(health.status == 503)
                #expect(health.json["components"]?["opa"] == "unhealthy")
            }
        }
    }

    /// Answers that are not a usable decision; each must give 503 and write nothing.
    static let garbage: [(String, FakeOPA.Answer)] = [
        ("not JSON", .init(body: "<html>502 Bad Gateway</html>")),
        ("truncated JSON", .init(body: #"{"result": {"allow": tr"#)),
        ("empty body", .init(body: "")),
        ("undefined document", .init(body: "{}")),
        ("result null", .init(body: #"{"result": null}"#)),
        ("result not an object", .init(body: #"{"result": [true]}"#)),
        ("allow missing", .init(body: #"{"result": {"reason": null}}"#)),
        ("allow is a string", .init(body: #"{"result": {"allow": "true", "reason": null}}"#)),
        ("allow is a number", .init(body: #"{"result": {"allow": 1}}"#)),
        ("reason is a number", .init(body: #"{"result": {"allow": false, "reason": 42}}"#)),
        ("policy_version not a string", .init(body: #"{"result": {"allow": true, "policy_version": 7}}"#)),
        ("HTTP 500 with OPA error", .init(status: .internalServerError, body: #"{"code": "internal_error", "message": "boom"}"#)),
        ("HTTP 404", .init(status: .notFound, body: #"{"result": {"allow": true}}"#)),
    ]

    @Test(arguments: 0..<garbage.count)
    func unusableOPAAnswersFailClosed(case index: Int) async throws {
        let (label, answer) = Self.garbage[index]
        let fake = FakeOPA()
        try await fake.run { port in
            try await withGateway(opaURL: "http://127.0.0.1:\(port)") { gateway, http in
                #expect(try await http.validate(sampleManifest()).status == 200, "control request (\(label))")
                fake.answerDecisions(answer)
                let reply = try await http.validate(sampleManifest())
                #expect(reply.status == 503, "\(label): got \(reply.status) \(reply.raw)")
                #expect(try await gateway.rowCounts() == "1,1,0", "\(label) wrote something")
            }
        }
    }

    @Test func aVersionThatIsNotAStringMakesOPAUnavailable() async throws {
        let fake = FakeOPA()
        try await fake.run { port in
            try await withGateway(opaURL: "http://127.0.0.1:\(port)") { gateway, http in
                let before = try await http.request(.get, "/health")
                #expect(before.json["components"]?["opa"] == "healthy")
                fake.answerVersion(.init(body: #"{"result": {"version": "1"}}"#))
                let after = try await http.request(.get, "/health")
                #expect(after.json["components"]?["opa"] == "unhealthy")
                let manifestHealth = try await http.request(.get, "/v1/manifest/health")
                #expect(manifestHealth.json["opa_available"] == false)
                // Without policy_version in the decision, the version is read from metadata: fail closed too.
                fake.answerDecisions(.init(body: #"{"result": {"allow": true, "reason": null}}"#))
                let refused = try await http.validate(sampleManifest())
                #expect(refused.status == 503)
                #expect(try await gateway.rowCounts() == "0,0,0")
            }
        }
    }
}

/// Holds a server started inside a `@Sendable` closure, so the test can stop it afterwards.
final class ServerHolder: Sendable {
    let server = Mutex<OPAServer?>(nil)
}
