import Foundation
import RelayCore
import Testing

/// The test vectors of docs/ledger-format.md. The Swift implementation must reproduce
/// docs/ledger-vectors.json byte for byte; tools/verify_ledger.py checks the same file
/// independently. `RELAY_WRITE_VECTORS=1 swift test --filter LedgerVectorTests` rewrites it
/// (only ever when the format changes on purpose, with a new domain tag).
struct LedgerVectorTests {
    static let vectorsPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/ledger-vectors.json").path

    static func t(_ iso: String) -> Timestamp { try! Timestamp(iso8601: iso) }

    /// A vector: a chain of entries built from body sources (JSON texts, possibly not canonical).
    static func vector(_ name: String, _ description: String, region: String, bodies: [(LedgerKind, String, String)]) -> JSONValue {
        var head = LedgerHead.empty()
        var entries: [JSONValue] = []
        for (kind, source, committedAt) in bodies {
            let body = CanonicalJSON.bytes(try! JSONParser.parse(Array(source.utf8)))
            let entry = LedgerEntry(
                region: region, seq: head.seq + 1, kind: kind, body: body, committedAt: t(committedAt), epoch: head.epoch,
                prevHash: head.hash)
            entries.append(
                .object([
                    "body_source": .string(source), "region": .string(region), "seq": .number(Double(entry.seq)),
                    "kind": .string(kind.rawValue), "committed_at": .string(entry.committedAt.iso8601),
                    "epoch": .number(Double(entry.epoch)), "prev_hash": .string(Hex.encode(entry.prevHash)),
                    "body": .string(String(decoding: body, as: UTF8.self)),
                    "hashed_entry": .string(String(decoding: entry.canonicalBytes, as: UTF8.self)),
                    "hash": .string(Hex.encode(entry.hash)),
                ]))
            head = LedgerHead(after: entry)
        }
        return .object(["name": .string(name), "description": .string(description), "entries": .array(entries)])
    }

    /// A real manifest record with a real seal signed by the RFC 8032 test-1 key.
    static var manifestBody: String {
        let key = try! SigningKey(seed: Array(Hex.decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")!))
        let payload = SealPayload(
            manifestID: "3f2b8c1e-7d4a-4e2b-9c1a-0b5e6f7a8d9c", timestamp: t("2026-11-27T09:30:00.123456Z"),
            agentID: "agent_00112233aabbccdd", orgID: "org_8899aabbccddeeff", provider: "stripe", method: "create_payment",
            parameters: ["amount": 4999, "currency": "EUR"], policyVersion: "1.0.0+3fa2b1c4", approved: true,
            sealID: "seal_us-east-1_000102030405060708090a0b0c0d0e0f", region: "us-east-1", keyID: key.keyID,
            issuedAt: t("2026-11-27T09:30:00.200000Z"), expiresAt: t("2026-11-27T09:35:00.200000Z"))
        let bytes = payload.signedBytes
        let seal = Seal(payload: payload, denialReason: nil, signature: key.sign(bytes), publicKey: key.publicKey, signedPayload: bytes)
        let manifest = ManifestRecord(
            manifestID: payload.manifestID, version: "1.0", manifestTimestamp: payload.timestamp, agentID: payload.agentID,
            orgID: payload.orgID, userID: nil, provider: "stripe", method: "create_payment", parameters: payload.parameters,
            reasoning: "Pay invoice INV-2026-1142", confidenceScore: 0.97, context: ["invoice": "INV-2026-1142"],
            environment: "production", approved: true, denialReason: nil, policyVersion: payload.policyVersion,
            createdAt: payload.issuedAt)
        return CanonicalJSON.string(LedgerRecord.manifest(manifest, SealRecord(seal)).body)
    }

    static var document: JSONValue {
        let org = #"{"org_id":"org_8899aabbccddeeff","org_name":"Acme Payments","contact_email":"ops@acme.example","created_at":"2026-11-27T09:00:00.000000Z"}"#
        let agent = #"{"agent_id":"agent_00112233aabbccdd","org_id":"org_8899aabbccddeeff","agent_name":"initial","description":null,"created_at":"2026-11-27T09:00:00.000000Z"}"#
        let auth = #"{"event_id":"6c1f0e2a-5b3d-4c7e-8f90-1a2b3c4d5e6f","event_type":"token","success":false,"agent_id":"agent_00112233aabbccdd","org_id":null,"endpoint":"/v1/manifest/validate","client_ip":"203.0.113.7","reason":"token expired","created_at":"2026-11-27T09:31:02.000001Z"}"#
        return .object([
            "format": "relay-ledger-v1",
            "vectors": .array([
                vector("genesis", "The first entry of a chain: seq 1, prev_hash 32 zero bytes.", region: "us-east-1",
                       bodies: [(.orgRegistered, org, "2026-11-27T09:00:00.000000Z")]),
                vector("manifest", "A decision: the manifest row and its seal (real Ed25519 signature, RFC 8032 test key 1).",
                       region: "us-east-1", bodies: [(.manifest, manifestBody, "2026-11-27T09:30:00.200000Z")]),
                vector(
                    "unicode", "Non-ASCII text, escapes and control characters in strings; keys sorted by UTF-16 code units.",
                    region: "eu-west-1",
                    bodies: [(
                        .orgRegistered,
                        #"{"org_id":"org_0000000000000001","org_name":"Zürich – 東京 \"Ωmega\" \\ 🚀\u0001\n","contact_email":"ops@straße.example","created_at":"2026-11-27T09:00:00.500000Z","\u00e9":1,"\ud83d\ude80":2,"\uff61":3}"#,
                        "2026-11-27T09:00:00.500000Z")]),
                vector(
                    "numbers", "Floats and large integers in parameters, written non-canonically in the source: ECMAScript number forms, integers beyond 2^53 rounded to the nearest double.",
                    region: "ap-southeast-2",
                    bodies: [(
                        .orgRegistered,
                        #"{"org_id":"org_0000000000000002","parameters":{"amount":1E21,"fee":0.10,"tiny":5e-324,"big":9007199254740993,"huge":123456789012345678901234567890,"negzero":-0.0,"small":1e-7,"whole":100.0,"third":0.3333333333333333,"max":1.7976931348623157e308},"created_at":"2026-11-27T09:00:00.000000Z"}"#,
                        "2026-11-27T09:00:01.000000Z")]),
                vector("auth_event", "A refused authentication.", region: "us-east-1",
                       bodies: [(.authEvent, auth, "2026-11-27T09:31:02.000001Z")]),
                vector(
                    "chain_of_three", "Three linked entries: each prev_hash is the previous hash.", region: "us-east-1",
                    bodies: [
                        (.orgRegistered, org, "2026-11-27T09:00:00.000000Z"),
                        (.agentRegistered, agent, "2026-11-27T09:00:00.000000Z"),
                        (.sealExecuted, #"{"seal_id":"seal_us-east-1_000102030405060708090a0b0c0d0e0f","executed_at":"2026-11-27T09:32:10.000000Z"}"#, "2026-11-27T09:32:10.000000Z"),
                    ]),
            ]),
        ])
    }

    @Test func vectorsFileMatchesTheImplementation() throws {
        var text = CanonicalJSON.string(Self.document)
        text = Self.pretty(text)
        if ProcessInfo.processInfo.environment["RELAY_WRITE_VECTORS"] == "1" {
            try text.write(toFile: Self.vectorsPath, atomically: true, encoding: .utf8)
        }
        let stored = try String(contentsOfFile: Self.vectorsPath, encoding: .utf8)
        #expect(stored == text)
    }

    @Test func aChangedByteChangesTheHash() {
        let base = LedgerEntry(
            region: "r", seq: 1, kind: .authEvent, body: Array(#"{"event_id":"e"}"#.utf8), committedAt: Self.t("2026-01-01T00:00:00Z"),
            epoch: 1, prevHash: LedgerEntry.genesisPrevHash)
        var edited = base
        edited.epoch = 2
        #expect(edited.computedHash != base.hash)
        edited = base
        edited.prevHash[31] = 1
        #expect(edited.computedHash != base.hash)
        #expect(base.computedHash == base.hash)
    }

    /// The canonical text re-indented for review (keys stay sorted; string contents untouched).
    static func pretty(_ canonical: String) -> String {
        let data = Data(canonical.utf8)
        let object = try! JSONSerialization.jsonObject(with: data)
        let out = try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: out, as: UTF8.self) + "\n"
    }
}
