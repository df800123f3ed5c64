import Foundation
import RelayCore
import RelayGateway
import RelayPolicy
import Testing

struct ValidateTests {
    @Test func approvedPaymentGetsASignedSealStoredWithItsManifest() async throws {
        let gw = try await TestGateway.make()
        let id = UUID().uuidString.lowercased()
        try await gw.run { http in
            let r = try await http.validate(sampleManifest(id: id, parameters: ["amount": 5000]))
            #expect(r.status == 200)
            #expect(r.json["manifest_id"] == .string(id))
            #expect(r.json["approved"] == true)
            #expect(r.json["denial_reason"] == .null)
            #expect(r.json["policy_version"]?.stringValue?.hasPrefix("1.") == true)
            let seal = try #require(r.json["seal"]?.objectValue)
            for field in [
                "seal_id", "manifest_id", "approved", "policy_version", "denial_reason", "signature", "public_key",
                "issued_at", "expires_at", "was_executed", "executed_at", "region", "key_id", "signed_payload",
            ] {
                #expect(seal[field] != nil, "seal lacks \(field)")
            }
            let sealID = try #require(seal["seal_id"]?.stringValue)
            #expect(sealID.hasPrefix("seal_test-1_"))
            #expect(Seal.homeRegion(ofSealID: sealID) == "test-1")
            #expect(seal["region"] == "test-1")
            #expect(seal["key_id"] == .string(gw.services.configuration.sealKey.keyID))
            #expect(seal["was_executed"] == false)
            // TTL is covered by the signature: expires_at = issued_at + 5 min.
            let issuedText = try #require(seal["issued_at"]?.stringValue)
            let expiresText = try #require(seal["expires_at"]?.stringValue)
            let issued = try Timestamp(iso8601: issuedText)
            let expires = try Timestamp(iso8601: expiresText)
            #expect(expires.microseconds - issued.microseconds == 300_000_000)
            // The signature covers signed_payload, which is the canonical JSON of the listed fields.
            let payloadText = try #require(seal["signed_payload"]?.stringValue)
            let payload = try #require(Base64.decode(payloadText))
            let signatureText = try #require(seal["signature"]?.stringValue)
            let signature = try #require(Base64.decode(signatureText))
            #expect(Ed25519.verify(signature: signature, message: payload, publicKey: gw.services.configuration.sealKey.publicKey))
            let signed = try JSONParser.parse(payload)
            #expect(signed["manifest_id"] == .string(id))
            #expect(signed["expires_at"] == seal["expires_at"])
            #expect(signed["timestamp"] == "2026-11-27T10:00:00.000000Z")
            #expect(signed["parameters"] == ["amount": 5000])
            #expect(CanonicalJSON.bytes(signed) == payload)
        }
        #expect(try await gw.rowCounts() == "1,1,0")
        #expect(try await gw.sql("SELECT approved FROM manifests WHERE manifest_id = '\(id)'") == "t")
    }

    @Test func deniedPaymentIsRecordedWithItsReasonAndNoSealInTheResponse() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let r = try await http.validate(sampleManifest(parameters: ["amount": 5001]))
            #expect(r.status == 200)
            #expect(r.json["approved"] == false)
            #expect(r.json["seal"] == .null)
            #expect(r.json["denial_reason"] == "Payment amount exceeds $50.00 limit")
        }
        // The denial itself is sealed and stored (an auditor sees the signed decision).
        #expect(try await gw.rowCounts() == "1,1,0")
        #expect(try await gw.sql("SELECT approved::text || '|' || denial_reason FROM seals") == "false|Payment amount exceeds $50.00 limit")
    }

    @Test func unmatchedActionIsDeniedWithNoPolicyMatched() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let r = try await http.validate(sampleManifest(provider: "AWS", method: "Delete_Bucket", parameters: [:]))
            #expect(r.json["approved"] == false)
            #expect(r.json["denial_reason"] == "No policy matched")
        }
        // provider and method are stored lower-cased.
        #expect(try await gw.sql("SELECT provider || '.' || method FROM manifests") == "aws.delete_bucket")
    }

    @Test func dryRunEvaluatesButWritesNothing() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let r = try await http.validate(sampleManifest(parameters: ["amount": 100]), dryRun: true)
            #expect(r.status == 200)
            #expect(r.json["approved"] == true)
            #expect(r.json["seal"] == .null)
            #expect(r.json["dry_run"] == true)
        }
        #expect(try await gw.rowCounts() == "0,0,0")
    }

    @Test func reusedManifestIDIsAConflictAndChangesNothing() async throws {
        let gw = try await TestGateway.make()
        let id = UUID().uuidString.lowercased()
        try await gw.run { http in
            #expect(try await http.validate(sampleManifest(id: id)).status == 200)
            let again = try await http.validate(sampleManifest(id: id, parameters: ["amount": 9999]))
            #expect(again.status == 409)
            #expect(again.json["detail"]?.stringValue?.contains(id) == true)
        }
        #expect(try await gw.rowCounts() == "1,1,0")
        #expect(try await gw.sql("SELECT parameters->>'amount' FROM manifests") == "1000")
    }

    @Test func missingManifestIDAndTimestampAreFilledIn() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            var m = try #require(sampleManifest().objectValue)
            m["manifest_id"] = nil
            m["timestamp"] = nil
            m["environment"] = nil
            let r = try await http.validate(.object(m))
            #expect(r.status == 200)
            #expect(UUID(uuidString: r.json["manifest_id"]?.stringValue ?? "") != nil)
        }
        #expect(try await gw.sql("SELECT environment FROM manifests") == "production")
    }

    @Test func timestampsWithOffsetsAreNormalisedToUTC() async throws {
        let gw = try await TestGateway.make()
        let id = UUID().uuidString.lowercased()
        try await gw.run { http in
            var m = try #require(sampleManifest(id: id).objectValue)
            m["timestamp"] = "2026-11-27T12:30:00.5+02:00"
            #expect(try await http.validate(.object(m)).status == 200)
        }
        #expect(try await gw.sql("SELECT to_char(manifest_timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM manifests") == "2026-11-27 10:30:00.500000")
    }

    @Test func policyEngineFailureIs503AndWritesNothing() async throws {
        let gw = try await TestGateway.make(policy: FailingPolicyEngine())
        try await gw.run { http in
            let r = try await http.validate(sampleManifest())
            #expect(r.status == 503)
            #expect(r.json["detail"] == "Policy engine unavailable")
            let health = try await http.request(.get, "/health")
            #expect(health.status == 503)
            #expect(health.json["components"]?["policy_engine"] == "unhealthy")
        }
        #expect(try await gw.rowCounts() == "0,0,0")
    }
}

/// A policy engine that is down: the fail-closed path, not a database mock.
struct FailingPolicyEngine: PolicyEngine {
    struct Down: Error {}
    var name: String { "builtin" }
    func evaluate(_ input: JSONValue) async throws -> PolicyDecision { throw Down() }
    func policyVersion() async throws -> String { throw Down() }
}
