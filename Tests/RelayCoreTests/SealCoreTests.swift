import Foundation
import RelayCore
import Testing

struct SealCoreTests {
    private func manifest() -> Manifest {
        Manifest(
            manifestID: UUID(uuidString: "6f1c2a4e-8d3b-4f5a-9c7e-1b2d3e4f5a6b")!,
            timestamp: try! Timestamp(iso8601: "2026-11-27T10:00:00Z"),
            agent: .init(agentID: "agent_1", orgID: "org_1"),
            action: .init(provider: "stripe", method: "create_payment", parameters: ["amount": 1000]),
            justification: .init(reasoning: "test"))
    }

    @Test func keyIDIsTheFirst16HexOfSHA256OfThePublicKey() throws {
        // RFC 8032 test vector 1.
        let seed = Array(Data(base64Encoded: "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")!)
        let key = try SigningKey(seed: seed)
        #expect(Hex.encode(key.publicKey) == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        #expect(key.keyID == String(Hex.encode(Digest.sha256(key.publicKey)).prefix(16)))
        #expect(Hex.encode(key.sign([])).hasPrefix("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"))
    }

    @Test func badSeedsAreRefusedWithoutEchoingThem() {
        #expect(throws: KeyError.notBase64(what: "Ed25519 seed")) { try SigningKey(base64Seed: "%%%not-base64%%%") }
        #expect(throws: KeyError.wrongLength(what: "Ed25519 seed", expected: 32, actual: 3)) {
            try SigningKey(base64Seed: "AAAA")
        }
    }

    @Test func issuedSealVerifiesAndAnyChangeBreaksIt() {
        let key = SigningKey.generate().key
        let issuer = SealIssuer(region: "eu-west-1", key: key, ttlMinutes: 5)
        let now = Timestamp(microseconds: 1_795_748_021_000_000)
        let seal = issuer.issue(for: manifest(), approved: true, denialReason: nil, policyVersion: "1.0.0+abc", now: now)
        let keys = [key.keyID: key.publicKey]
        #expect(seal.signedPayload == seal.payload.signedBytes)
        #expect(SealVerdict.judge(seal: seal, trustedKeys: keys, now: now).valid)
        #expect(Seal.homeRegion(ofSealID: seal.payload.sealID) == "eu-west-1")

        var tampered = seal
        tampered.payload.parameters["amount"] = 100_000
        #expect(SealVerdict.judge(seal: tampered, trustedKeys: keys, now: now).reason == "Invalid signature")
        tampered = seal
        tampered.payload.expiresAt = seal.payload.expiresAt.adding(minutes: 60)
        #expect(!SealVerdict.judge(seal: tampered, trustedKeys: keys, now: now).signatureValid)
        #expect(SealVerdict.judge(seal: seal, trustedKeys: [:], now: now).reason?.hasPrefix("Unknown signing key") == true)
        let later = SealVerdict.judge(seal: seal, trustedKeys: keys, now: now.adding(minutes: 5))
        #expect(later.expired && !later.valid && later.signatureValid)
    }

    @Test func onlyAWellFormedSealIDNamesAHomeRegion() {
        let hex = String(repeating: "0123456789abcdef", count: 2)
        #expect(Seal.homeRegion(ofSealID: Seal.makeID(region: "us-east-1")) == "us-east-1")
        #expect(Seal.homeRegion(ofSealID: "seal_r1_\(hex)") == "r1")
        #expect(Seal.homeRegion(ofSealID: "seal_\(String(repeating: "a", count: 40))_\(hex)")?.count == 40)
        // Before the check was strict, "seal_does_not_exist" named region "does_not", and "seal_x"
        // or "seal_" trapped on an inverted range.
        for malformed in [
            "seal_does_not_exist", "seal_x", "seal_", "seal", "", "seal_r1_nope", "seal__\(hex)", "seal_r1_\(hex.dropLast())",
            "seal_r1_\(hex)0", "seal_r1_\(hex.uppercased())", "seal_R1_\(hex)", "seal_r1_\(hex)_x", "seal_r1_\(hex)&a=b",
            "seal_r.1_\(hex)", "Seal_r1_\(hex)", "seal_\(String(repeating: "a", count: 41))_\(hex)",
        ] {
            #expect(Seal.homeRegion(ofSealID: malformed) == nil, "\(malformed)")
        }
    }

    @Test func signedPayloadIsCanonicalJSONOfExactlyTheListedFields() throws {
        let key = SigningKey.generate().key
        let seal = SealIssuer(region: "r1", key: key, ttlMinutes: 5)
            .issue(for: manifest(), approved: false, denialReason: "no", policyVersion: "v", now: Timestamp(microseconds: 0))
        let object = try #require(try JSONParser.parse(seal.signedPayload).objectValue)
        #expect(Set(object.keys) == [
            "manifest_id", "timestamp", "agent_id", "org_id", "provider", "method", "parameters", "policy_version",
            "approved", "seal_id", "region", "key_id", "issued_at", "expires_at",
        ])
        let text = String(decoding: seal.signedPayload, as: UTF8.self)
        #expect(text.hasPrefix("{\"agent_id\":\"agent_1\",\"approved\":false,\"expires_at\":\"1970-01-01T00:05:00.000000Z\""))
    }
}
