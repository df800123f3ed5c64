import RelayCore
import Testing

/// The record schemas: every stored property of a record is a field, bodies read back into the
/// records they were written from, and a body that is not a record is refused with its member named.
struct RecordSchemaTests {
    static let t1 = try! Timestamp(iso8601: "2026-11-27T09:30:00.123456Z")
    static let t2 = try! Timestamp(iso8601: "2026-11-27T09:35:00.000001Z")

    // Samples in which every stored property differs from the schema's blank record.
    static let manifest = ManifestRecord(
        manifestID: "3f2b8c1e-7d4a-4e2b-9c1a-0b5e6f7a8d9c", version: "1.0", manifestTimestamp: t1, agentID: "agent_1",
        orgID: "org_1", userID: "user 7", provider: "stripe", method: "create_payment",
        parameters: ["amount": 4999, "nested": ["list": [1, "two", nil]]], reasoning: "Zürich 🚀 \"quoted\"",
        confidenceScore: 0.1 + 0.2, context: ["invoice": "INV-1"], environment: "production", approved: true,
        denialReason: "none", policyVersion: "1.0.0+abc", createdAt: t2)
    static let seal = SealRecord(
        sealID: "seal_r1_00", approved: true, policyVersion: "1.0.0+abc", denialReason: "why", keyID: "0011223344556677",
        publicKey: [1, 2, 3], signature: Array(0...63), signedPayload: Array("{\"a\":1}".utf8), issuedAt: t1, expiresAt: t2)
    static let org = OrgRecord(orgID: "org_1", orgName: "Acme – 東京", contactEmail: "ops@acme.test", createdAt: t1)
    static let agent = AgentRecord(agentID: "agent_1", orgID: "org_1", agentName: "initial", description: "d", createdAt: t1)
    static let authEvent = AuthEventRecord(
        eventID: "6c1f0e2a-5b3d-4c7e-8f90-1a2b3c4d5e6f",
        event: AuthEvent(
            type: "token", success: true, agentID: "agent_1", orgID: "org_1", endpoint: "/v1/x", clientIP: "203.0.113.7",
            reason: "ok"),
        createdAt: t1)
    static let execution = SealExecutionRecord(sealID: "seal_r1_00", executedAt: t2)

    static let records: [LedgerRecord] = [
        .manifest(manifest, seal), .sealExecuted(sealID: execution.sealID, executedAt: execution.executedAt),
        .orgRegistered(org), .agentRegistered(agent), .authEvent(authEvent),
    ]

    /// Every stored property, structs followed down to their own properties, as (path, value).
    static func leaves(_ value: Any, path: String = "") -> [(path: String, value: String)] {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .struct, !mirror.children.isEmpty else { return [(path, String(reflecting: value))] }
        return mirror.children.flatMap { leaves($0.value, path: path + "." + ($0.label ?? "?")) }
    }

    /// A property no field maps keeps its blank value through encode → decode, so the sample
    /// (which differs from the blank everywhere) would not come back equal.
    func expectEveryPropertyIsAField<R: Equatable & Sendable>(_ schema: RecordSchema<R>, _ sample: R) throws {
        let sampleLeaves = Self.leaves(sample)
        let blankLeaves = Self.leaves(schema.blank)
        #expect(sampleLeaves.map(\.path) == blankLeaves.map(\.path))
        for (s, b) in zip(sampleLeaves, blankLeaves) {
            #expect(s.value != b.value, "the sample must differ from the blank in \(R.self)\(s.path)")
        }
        #expect(try schema.decode(schema.encode(sample)) == sample)
        #expect(schema.encode(sample).objectValue?.count == schema.fields.count)
    }

    @Test func everyStoredPropertyOfEveryRecordIsAField() throws {
        try expectEveryPropertyIsAField(ManifestRecord.schema, Self.manifest)
        try expectEveryPropertyIsAField(SealRecord.schema, Self.seal)
        try expectEveryPropertyIsAField(OrgRecord.schema, Self.org)
        try expectEveryPropertyIsAField(AgentRecord.schema, Self.agent)
        try expectEveryPropertyIsAField(AuthEventRecord.schema, Self.authEvent)
        try expectEveryPropertyIsAField(SealExecutionRecord.schema, Self.execution)
    }

    @Test func everyBodyReadsBackAsTheRecordItWasWrittenFrom() throws {
        for record in Self.records {
            let body = try JSONParser.parse(record.bodyBytes)
            #expect(try LedgerRecord(kind: record.kind, body: body) == record)
        }
    }

    @Test func nullsAndAbsentOptionalMembersReadAsNil() throws {
        var agent = Self.agent
        agent.description = nil
        var body = try #require(AgentRecord.schema.encode(agent).objectValue)
        #expect(body["description"] == .null)
        #expect(try AgentRecord.schema.decode(.object(body)) == agent)
        body["description"] = nil
        body["added_by_a_later_version"] = "ignored"
        #expect(try AgentRecord.schema.decode(.object(body)) == agent)
    }

    @Test func aMemberOfTheWrongTypeIsNamed() throws {
        var body = try #require(LedgerRecord.manifest(Self.manifest, Self.seal).body.objectValue)
        var manifest = try #require(body["manifest"]?.objectValue)
        manifest["created_at"] = 5
        body["manifest"] = .object(manifest)
        let error = #expect(throws: RecordBodyError.self) { try LedgerRecord(kind: .manifest, body: .object(body)) }
        #expect(error?.path == "manifest.created_at")

        #expect(throws: RecordBodyError(path: "org_name", reason: "expected a string")) {
            try OrgRecord.schema.decode(["org_id": "o", "contact_email": "e", "created_at": "2026-01-01T00:00:00.000000Z"])
        }
        #expect(throws: RecordBodyError(path: "event_id", reason: "expected a UUID string")) {
            var e = try #require(AuthEventRecord.schema.encode(Self.authEvent).objectValue)
            e["event_id"] = "not-a-uuid"
            _ = try AuthEventRecord.schema.decode(.object(e))
        }
        #expect(throws: RecordBodyError(path: "signature", reason: "expected a base64 string")) {
            var s = try #require(SealRecord.schema.encode(Self.seal).objectValue)
            s["signature"] = "***"
            _ = try SealRecord.schema.decode(.object(s))
        }
    }

    @Test func aManifestBodyWhoseSubjectDisagreesWithItsManifestIsRefused() throws {
        var body = try #require(LedgerRecord.manifest(Self.manifest, Self.seal).body.objectValue)
        body["manifest_id"] = "00000000-0000-4000-8000-000000000000"
        #expect(throws: RecordBodyError.self) { try LedgerRecord(kind: .manifest, body: .object(body)) }
        #expect(throws: RecordBodyError.self) { try LedgerRecord(kind: .regionControl, body: ["control_id": "c"]) }
    }
}
