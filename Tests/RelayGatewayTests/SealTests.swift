import Foundation
import RelayCore
import RelayLocal
import RelayTestSupport
import Testing

struct SealTests {
    /// Issues a seal through the API and returns its id.
    private func issue(_ http: HTTPTestClient, amount: Int = 1000) async throws -> String {
        let r = try await http.validate(sampleManifest(parameters: ["amount": .number(Double(amount))]))
        return try #require(r.json["seal"]?["seal_id"]?.stringValue)
    }

    @Test func verifyReportsAFreshSealValid() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let id = try await issue(http)
            let v = try await http.request(.get, "/v1/seal/verify?seal_id=\(id)")
            #expect(v.status == 200)
            #expect(v.json["valid"] == true)
            #expect(v.json["approved"] == true)
            #expect(v.json["expired"] == false)
            #expect(v.json["already_executed"] == false)
            #expect(v.json["reason"] == .null)
            #expect(v.json["seal_id"] == .string(id))
            #expect(v.json["manifest_id"]?.stringValue != nil)
        }
    }

    @Test func verifyReportsExpiryOnceTheTTLHasPassed() async throws {
        let gw = try await TestGateway.make(ttlMinutes: 1)
        try await gw.run { http in
            let id = try await issue(http)
            gw.clock.advance(seconds: 61)
            let v = try await http.request(.get, "/v1/seal/verify?seal_id=\(id)")
            #expect(v.json["valid"] == false)
            #expect(v.json["expired"] == true)
            #expect(v.json["reason"] == "Seal expired")
            let x = try await http.request(.post, "/v1/seal/mark-executed?seal_id=\(id)")
            #expect(x.status == 400)
            #expect(x.json["detail"] == "Seal expired")
        }
        #expect(try await gw.rowCounts() == "1,1,0")
    }

    @Test func executedSealIsNoLongerValidAndCannotRunTwice() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let id = try await issue(http)
            let x = try await http.request(.post, "/v1/seal/mark-executed?seal_id=\(id)")
            #expect(x.status == 200)
            #expect(x.json["status"] == "success")
            let again = try await http.request(.post, "/v1/seal/mark-executed?seal_id=\(id)")
            #expect(again.status == 400)
            #expect(again.json["detail"] == "Seal already executed")
            let v = try await http.request(.get, "/v1/seal/verify?seal_id=\(id)")
            #expect(v.json["valid"] == false)
            #expect(v.json["already_executed"] == true)
            #expect(v.json["reason"] == "Seal already executed")
        }
        #expect(try await gw.rowCounts() == "1,1,1")
    }

    @Test func deniedSealIsInvalidAndCannotBeExecuted() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            _ = try await http.validate(sampleManifest(parameters: ["amount": 6000]))
            let id = try await gw.sql("SELECT seal_id FROM seals")
            let v = try await http.request(.get, "/v1/seal/verify?seal_id=\(id)")
            #expect(v.json["valid"] == false)
            #expect(v.json["approved"] == false)
            #expect(v.json["reason"]?.stringValue?.hasPrefix("Seal was not approved") == true)
            let x = try await http.request(.post, "/v1/seal/mark-executed?seal_id=\(id)")
            #expect(x.status == 400)
        }
        #expect(try await gw.rowCounts() == "1,1,0")
    }

    @Test func unknownSealIs404AndMissingSealIDIs422() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            #expect(try await http.request(.get, "/v1/seal/verify?seal_id=seal_test-1_nope").status == 404)
            #expect(try await http.request(.post, "/v1/seal/mark-executed?seal_id=seal_test-1_nope").status == 404)
            let missing = try await http.request(.get, "/v1/seal/verify")
            #expect(missing.status == 422)
            #expect(missing.json["detail"]?.arrayValue?.first?["loc"] == ["query", "seal_id"])
        }
    }

    @Test func sealRowsAreImmutableThroughTheTriggers() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in _ = try await issue(http) }
        await #expect(throws: (any Error).self) { try await gw.sql("UPDATE seals SET approved = false") }
        await #expect(throws: (any Error).self) { try await gw.sql("UPDATE seals SET was_executed = true, executed_at = now(), expires_at = now()") }
        await #expect(throws: (any Error).self) { try await gw.sql("DELETE FROM seals") }
        await #expect(throws: (any Error).self) { try await gw.sql("UPDATE manifests SET parameters = '{\"amount\": 1}'") }
        await #expect(throws: (any Error).self) { try await gw.sql("DELETE FROM manifests") }
        await #expect(throws: (any Error).self) { try await gw.sql("TRUNCATE manifests CASCADE") }
        await #expect(throws: (any Error).self) { try await gw.sql("INSERT INTO auth_events (event_id, region, event_type, success) VALUES (gen_random_uuid(), 'x', 'login', true); UPDATE auth_events SET success = false") }
        // The one permitted change, once.
        try await gw.sql("UPDATE seals SET was_executed = true, executed_at = now()")
        await #expect(throws: (any Error).self) { try await gw.sql("UPDATE seals SET was_executed = true, executed_at = now()") }
        #expect(try await gw.rowCounts() == "1,1,1")
    }

    @Test func aManifestEditedBehindTheTriggersFailsVerification() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let id = try await issue(http, amount: 1000)
            try await gw.sql(
                """
                ALTER TABLE manifests DISABLE TRIGGER manifests_immutable;
                UPDATE manifests SET parameters = '{"amount": 999999, "currency": "usd"}';
                ALTER TABLE manifests ENABLE TRIGGER manifests_immutable;
                """)
            let v = try await http.request(.get, "/v1/seal/verify?seal_id=\(id)")
            #expect(v.json["valid"] == false)
            #expect(v.json["signature_valid"] == false)
            #expect(v.json["reason"] == "Invalid signature")
            let x = try await http.request(.post, "/v1/seal/mark-executed?seal_id=\(id)")
            #expect(x.status == 400)
        }
        #expect(try await gw.rowCounts() == "1,1,0")
    }

    @Test func aSealEditedBehindTheTriggersFailsVerification() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            _ = try await http.validate(sampleManifest(parameters: ["amount": 7000]))
            let id = try await gw.sql("SELECT seal_id FROM seals")
            // A superuser flips the denial into an approval and pushes the expiry out.
            try await gw.sql(
                """
                ALTER TABLE seals DISABLE TRIGGER seals_guard;
                UPDATE seals SET approved = true, denial_reason = NULL, expires_at = expires_at + interval '1 day';
                ALTER TABLE seals ENABLE TRIGGER seals_guard;
                """)
            let v = try await http.request(.get, "/v1/seal/verify?seal_id=\(id)")
            #expect(v.json["valid"] == false)
            #expect(v.json["reason"] == "Invalid signature")
            #expect(try await http.request(.post, "/v1/seal/mark-executed?seal_id=\(id)").status == 400)
        }
        #expect(try await gw.rowCounts() == "1,1,0")
    }

    @Test func ofFiftyConcurrentExecutionsExactlyOneSucceeds() async throws {
        let gw = try await TestGateway.make()
        let statuses = try await gw.run { http in
            let id = try await issue(http)
            return try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await http.request(.post, "/v1/seal/mark-executed?seal_id=\(id)").status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
        }
        #expect(statuses.count == 50)
        #expect(statuses.filter { $0 == 200 }.count == 1)
        #expect(statuses.filter { $0 == 400 }.count == 49)
        #expect(try await gw.rowCounts() == "1,1,1")
    }

    /// Interoperability: an independent Ed25519 implementation (libsodium's
    /// crypto_sign_verify_detached via Python ctypes) accepts the seal over the canonical payload
    /// that the verifier rebuilds from the request and the JSON response on its own.
    @Test func sealSignatureVerifiesWithLibsodium() async throws {
        let gw = try await TestGateway.make()
        let manifest = sampleManifest(parameters: [
            "amount": 4200, "currency": "eur", "memo": "café ☕ 𝄞", "ratio": 0.1, "big": 1e21, "tiny": 1e-7,
            "nested": ["b": [1, 2.5, true, .null], "a": "x"],
        ])
        let response = try await gw.run { http in try await http.validate(manifest) }
        #expect(response.json["approved"] == true)
        let input = CanonicalJSON.bytes(["manifest": manifest, "response": response.json])
        let result = try await runProcess(
            "/usr/bin/env", ["python3", TestGateway.repoRoot + "/tools/verify_seal_libsodium.py"], stdin: input)
        #expect(result.status == 0, "libsodium verifier: \(result.output)")
        #expect(result.output.contains("libsodium: signature OK"))
        #expect(result.output.contains("rebuilt payload matches signed_payload"))
    }
}

/// Runs a command, feeding `stdin`; returns exit status and combined output.
func runProcess(_ path: String, _ args: [String], stdin: [UInt8] = []) async throws -> (status: Int32, output: String) {
    let r = try await ChildProcess.run(path, args, stdin: stdin)
    return (r.status, r.stdout + r.stderr)
}
