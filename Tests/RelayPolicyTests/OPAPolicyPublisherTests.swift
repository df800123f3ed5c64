import RelayLocal
import RelayPolicy
import Testing

/// Pushing Rego to the real OPA engine.
@Suite(.serialized)
struct OPAPolicyPublisherTests {
    @Test func aModuleThatDoesNotCompileIsRefusedWithOPAsErrorAndTheOldOneStays() async throws {
        try await OPATestServer.with { server, engine in
            let shipped = RegoCompiler.compile(try PolicySet.load(directory: PolicyFixtures.shippedPolicyDirectory))
            let publisher = try OPAPolicyPublisher(url: server.url)
            try await publisher.push(shipped.all)
            let broken = RegoModule(id: "relay-main", package: "relay.policies.main", text: "package relay.policies.main\nallow if {\n")
            await #expect {
                try await publisher.push(broken)
            } throws: { error in
                guard case OPAError.pushRejected(let url, let status, let body) = error else { return false }
                return url.hasSuffix("/v1/policies/relay-main") && status == 400 && body.contains("rego_parse_error")
                    && "\(error)".contains("rego_parse_error")
            }
            // The previous module is still in force.
            let decision = try await engine.evaluate(PolicyFixtures.input(parameters: ["amount": 100]))
            #expect(decision == PolicyDecision(approved: true, reason: nil, policyVersion: shipped.policyVersion))
        }
    }

    @Test func anUnreachableServerIsReportedAsSuch() async throws {
        let publisher = try OPAPolicyPublisher(url: "http://127.0.0.1:1", timeout: .seconds(5))
        await #expect {
            try await publisher.push(RegoModule(id: "x", package: "x", text: "package x\n"))
        } throws: { error in
            guard case OPAError.unreachable(let url, _) = error else { return false }
            return url == "http://127.0.0.1:1/v1/policies/x"
        }
    }

    @Test func anUndefinedDecisionDocumentThrows() async throws {
        try await OPATestServer.with { server, engine in
            // Nothing pushed: the decision document does not exist.
            await #expect {
                try await engine.evaluate(PolicyFixtures.input())
            } throws: { error in
                guard case OPAError.undefinedDocument(let url) = error else { return false }
                return url == server.url + "/v1/data/relay/policies/main"
            }
            await #expect(throws: OPAError.self) { try await engine.policyVersion() }
        }
    }
}
