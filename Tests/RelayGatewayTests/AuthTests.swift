import Crypto
import Foundation
import RelayCore
import Testing

struct AuthTests {
    /// Registers an org; returns (org_id, initial agent id, token).
    private func register(_ http: HTTPTestClient, name: String = "Acme") async throws -> (String, String, String) {
        let r = try await http.request(.post, "/v1/orgs/register", body: ["org_name": .string(name), "contact_email": "ops@acme.test"])
        #expect(r.status == 200, "\(r.raw)")
        let org = try #require(r.json["org_id"]?.stringValue)
        let agent = try #require(r.json["initial_agent"]?["agent_id"]?.stringValue)
        let token = try #require(r.json["access_token"]?.stringValue)
        return (org, agent, token)
    }

    /// A token with arbitrary header and claims, HMAC-signed with `secret`.
    private func craft(header: JSONValue = ["alg": "HS256", "typ": "JWT"], claims: JSONValue, secret: String = TestGateway.jwtSecret) -> String {
        func b64url(_ bytes: [UInt8]) -> String {
            Base64.encode(bytes).replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let signingInput = b64url(CanonicalJSON.bytes(header)) + "." + b64url(CanonicalJSON.bytes(claims))
        let mac = HMAC<SHA256>.authenticationCode(for: Array(signingInput.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return signingInput + "." + b64url(Array(mac))
    }

    private func failures(_ gw: TestGateway) async throws -> String {
        try await gw.sql("SELECT coalesce(string_agg(reason, '|' ORDER BY created_at), '') FROM auth_events WHERE NOT success")
    }

    @Test func registrationTokenAgentValidateAndAuditFlowWithAuthOn() async throws {
        let gw = try await TestGateway.make(authRequired: true)
        try await gw.run { http throws in
            let (org, initialAgent, token) = try await register(http)
            #expect(org.range(of: #"^org_[0-9a-f]{16}$"#, options: .regularExpression) != nil)
            #expect(initialAgent.range(of: #"^agent_[0-9a-f]{16}$"#, options: .regularExpression) != nil)

            let agentReply = try await http.request(.post, "/v1/agents/register", body: ["agent_name": "payments-bot", "description": "pays"], token: token)
            #expect(agentReply.status == 200)
            #expect(agentReply.json["org_id"] == .string(org))
            #expect(agentReply.json["token_type"] == "bearer")
            #expect(agentReply.json["expires_in"] == 86400)
            let agent = try #require(agentReply.json["agent_id"]?.stringValue)
            let agentToken = try #require(agentReply.json["access_token"]?.stringValue)

            // Without a token: 401 everywhere auth is required.
            #expect(try await http.validate(sampleManifest(agentID: agent, orgID: org)).status == 401)
            #expect(try await http.request(.get, "/v1/audit/query").status == 401)
            let ok = try await http.validate(sampleManifest(agentID: agent, orgID: org), token: agentToken)
            #expect(ok.status == 200)
            #expect(ok.json["approved"] == true)

            let orgInfo = try await http.request(.get, "/v1/orgs/\(org)", token: token)
            #expect(orgInfo.json["agents_count"] == 2)
            #expect(orgInfo.json["is_active"] == true)
            let agents = try await http.request(.get, "/v1/agents", token: agentToken)
            #expect(agents.json["total"] == 2)
            #expect(agents.json["agents"]?.arrayValue?.compactMap { $0["agent_id"]?.stringValue } == [initialAgent, agent])
            let audit = try await http.request(.get, "/v1/audit/query", token: token)
            #expect(audit.json["total"] == 1)
        }
        #expect(try await gw.sql("SELECT count(*) FROM auth_events WHERE success AND event_type = 'authentication'") != "0")
        #expect(try await gw.sql("SELECT count(*) FROM auth_events WHERE event_type IN ('org_registered', 'agent_registered')") == "2")
    }

    @Test func withAuthOffOptionalEndpointsAreOpenButIdentityEndpointsStillRequireAToken() async throws {
        let gw = try await TestGateway.make(authRequired: false)
        try await gw.run { http throws in
            #expect(try await http.validate(sampleManifest()).status == 200)
            #expect(try await http.request(.get, "/v1/audit/query").status == 200)
            #expect(try await http.request(.get, "/v1/audit/stats").status == 200)
            #expect(try await http.request(.get, "/v1/agents").status == 401)
            #expect(try await http.request(.post, "/v1/agents/register", body: ["agent_name": "x"]).status == 401)
            // A presented token must still be valid.
            #expect(try await http.validate(sampleManifest(), token: "not.a.token").status == 401)
        }
    }

    @Test func tokenAttacksAreRefusedAndRecorded() async throws {
        let gw = try await TestGateway.make(authRequired: true)
        try await gw.run { http throws in
            let (org, agent, token) = try await register(http)
            let now = Int64(Date().timeIntervalSince1970)
            let goodClaims: JSONValue = ["agent_id": .string(agent), "org_id": .string(org), "iat": .number(Double(now)), "exp": .number(Double(now + 3600))]
            // Sanity: a crafted token with the right secret is accepted, so the refusals below are real.
            #expect(try await http.request(.get, "/v1/agents", token: craft(claims: goodClaims)).status == 200)

            let parts = token.split(separator: ".").map(String.init)
            let unsigned = craft(header: ["alg": "none", "typ": "JWT"], claims: goodClaims).split(separator: ".").prefix(2).joined(separator: ".") + "."
            var tamperedClaims = goodClaims.objectValue!
            tamperedClaims["org_id"] = "org_0000000000000000"
            let tampered = parts[0] + "." + craft(claims: .object(tamperedClaims)).split(separator: ".")[1] + "." + parts[2]
            let attacks: [(String, String)] = [
                ("alg none", unsigned),
                ("wrong secret", craft(claims: goodClaims, secret: "another-secret-another-secret-0123456789")),
                ("tampered payload", tampered),
                ("missing claims", craft(claims: ["org_id": .string(org), "iat": .number(Double(now)), "exp": .number(Double(now + 60))])),
                ("expired", craft(claims: ["agent_id": .string(agent), "org_id": .string(org), "iat": .number(Double(now - 7200)), "exp": .number(Double(now - 11))])),
                ("alg HS512", craft(header: ["alg": "HS512", "typ": "JWT"], claims: goodClaims)),
                ("garbage", "abc"),
            ]
            for (name, bad) in attacks {
                let r = try await http.request(.get, "/v1/agents", token: bad)
                #expect(r.status == 401, "\(name) was not refused")
                #expect(r.json["detail"]?.stringValue?.hasPrefix("Not authenticated") == true)
            }
            // The real token expires once the clock passes exp + leeway.
            gw.clock.advance(seconds: 24 * 3600 + 11)
            #expect(try await http.request(.get, "/v1/agents", token: token).status == 401)
        }
        let reasons = try await failures(gw)
        for expected in ["unsupported token algorithm none", "invalid token signature", "token claims missing or malformed", "token expired", "unsupported token algorithm HS512", "malformed token"] {
            #expect(reasons.contains(expected), "auth_events lacks '\(expected)': \(reasons)")
        }
        #expect(try await gw.sql("SELECT count(*) FROM auth_events WHERE NOT success") == "8")
    }

    @Test func deactivatedAgentsAndOrganizationsAreRefused() async throws {
        let gw = try await TestGateway.make(authRequired: true)
        try await gw.run { http throws in
            let (org, agent, token) = try await register(http)
            #expect(try await http.request(.get, "/v1/agents", token: token).status == 200)
            try await gw.sql("UPDATE agents SET is_active = false WHERE agent_id = '\(agent)'")
            #expect(try await http.request(.get, "/v1/agents", token: token).status == 401)
            try await gw.sql("UPDATE agents SET is_active = true WHERE agent_id = '\(agent)'")
            try await gw.sql("UPDATE organizations SET is_active = false WHERE org_id = '\(org)'")
            #expect(try await http.request(.get, "/v1/agents", token: token).status == 401)
        }
        #expect(try await failures(gw) == "agent is inactive|organization is inactive")
        // Identity history is append-only: only is_active may change, nothing may be deleted.
        await #expect(throws: (any Error).self) { try await gw.sql("UPDATE organizations SET org_name = 'x'") }
        await #expect(throws: (any Error).self) { try await gw.sql("DELETE FROM agents") }
    }

    @Test func crossOrganizationAccessIsForbiddenAndScoped() async throws {
        let gw = try await TestGateway.make(authRequired: true)
        try await gw.run { http throws in
            let (orgA, agentA, tokenA) = try await register(http, name: "A")
            let (orgB, agentB, tokenB) = try await register(http, name: "B")
            #expect(try await http.validate(sampleManifest(agentID: agentB, orgID: orgB), token: tokenB).status == 200)
            // A cannot validate for B, read B's org, or see B's manifests through a query filter.
            let forged = try await http.validate(sampleManifest(agentID: agentB, orgID: orgB), token: tokenA)
            #expect(forged.status == 403)
            #expect(try await http.request(.get, "/v1/orgs/\(orgB)", token: tokenA).status == 403)
            let scoped = try await http.request(.get, "/v1/audit/query?org_id=\(orgB)", token: tokenA)
            #expect(scoped.status == 200)
            #expect(scoped.json["total"] == 0)
            let stats = try await http.request(.get, "/v1/audit/stats?org_id=\(orgB)", token: tokenA)
            #expect(stats.json["total_manifests"] == 0)
            // Nor execute B's seal.
            let sealID = try await gw.sql("SELECT seal_id FROM seals")
            #expect(try await http.request(.post, "/v1/seal/mark-executed?seal_id=\(sealID)", token: tokenA).status == 403)
            #expect(try await http.request(.post, "/v1/seal/mark-executed?seal_id=\(sealID)", token: tokenB).status == 200)
            _ = (orgA, agentA)
        }
        #expect(try await gw.rowCounts() == "1,1,1")
        #expect(try await gw.sql("SELECT count(*) FROM auth_events WHERE event_type = 'authorization' AND NOT success") == "3")
    }

    @Test func registrationInputIsValidatedAndWritesNothingWhenBad() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http throws in
            for body: JSONValue in [[:], ["org_name": "", "contact_email": "a@b.c"], ["org_name": 5, "contact_email": "a@b.c"],
                                    ["org_name": "x", "contact_email": "ab"], ["org_name": .string(String(repeating: "n", count: 256)), "contact_email": "a@b.c"]] {
                let r = try await http.request(.post, "/v1/orgs/register", body: body)
                #expect(r.status == 422, "\(body)")
            }
            #expect(try await http.request(.post, "/v1/orgs/register", rawBody: Array("{oops".utf8)).status == 422)
        }
        #expect(try await gw.sql("SELECT (SELECT count(*) FROM organizations) + (SELECT count(*) FROM agents)") == "0")
    }
}
