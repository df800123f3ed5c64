import Foundation
import PostgresNIO
import RelayCore

/// A domain row and the ledger entry recording it, matched by subject. Either side may be missing.
public struct LedgerPair: Sendable {
    public var kind: LedgerKind
    public var subject: String
    /// The entry's seq and body; nil when no entry records the row.
    public var seq: Int64?
    public var ledgerBody: [UInt8]?
    /// The row as a record; nil when the entry's row is gone.
    public var row: LedgerRecord?
    /// Why `row` is nil although a domain row exists (e.g. a manifest without its seal).
    public var rowNote: String?
}

/// A seal's execution state next to the `seal_executed` entry recording it (either may be missing).
public struct ExecutionPair: Sendable {
    public var sealID: String
    /// Seq of the entry recording the seal's decision (its `manifest` entry), when there is one.
    public var manifestSeq: Int64?
    /// The seal row's `executed_at`; nil when the row is missing or not executed.
    public var rowExecutedAt: Timestamp?
    public var rowExists: Bool
    /// The `seal_executed` entry's seq and body, when there is one.
    public var seq: Int64?
    public var ledgerBody: [UInt8]?
}

/// Reads every domain row of a region next to its ledger entry (FULL JOIN on the subject), so
/// verification finds rows without entries and entries without rows. Streams: memory stays flat.
public struct LedgerCoverage: Sendable {
    let database: Database

    /// Creates a reader on `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Every (row, entry) pair of `kind` in `region`. `.sealExecuted` is read by `forEachExecution`.
    public func forEachPair(kind: LedgerKind, region: String, _ body: (LedgerPair) async throws -> Void) async throws {
        return try await database.operation("read \(region)'s \(kind.rawValue) rows next to their ledger entries") { client in
            let rows: PostgresRowSequence
            switch kind {
            case .manifest:
                rows = try await client.query(
                    """
                    SELECT l.seq, l.body, l.subject AS entry_subject, coalesce(l.pending, false) AS pending, d.*
                    FROM (SELECT m.manifest_id::text AS subject, m.version,
                            \(unescaped: SQL.micros("m.manifest_timestamp", as: "manifest_timestamp")), m.agent_id, m.org_id,
                            m.user_id, m.provider, m.method, m.parameters::text AS parameters, m.reasoning, m.confidence_score,
                            m.context::text AS context, m.environment, m.approved, m.denial_reason, m.policy_version,
                            \(unescaped: SQL.micros("m.created_at", as: "created_at")),
                            s.seal_id, s.approved AS seal_approved, s.policy_version AS seal_policy_version,
                            s.denial_reason AS seal_denial_reason, s.key_id, s.public_key, s.signature, s.signed_payload,
                            \(unescaped: SQL.micros("s.issued_at", as: "issued_at")),
                            \(unescaped: SQL.micros("s.expires_at", as: "expires_at"))
                          FROM manifests m LEFT JOIN seals s ON s.manifest_id = m.manifest_id WHERE m.region = \(region)) d
                    FULL JOIN (\(unescaped: try Self.entries(kind: .manifest, region: region))) l
                        ON l.subject = d.subject
                    """, logger: database.logger)
            case .orgRegistered:
                rows = try await client.query(
                    """
                    SELECT l.seq, l.body, l.subject AS entry_subject, coalesce(l.pending, false) AS pending, d.*
                    FROM (SELECT org_id AS subject, org_name, contact_email, \(unescaped: SQL.micros("created_at", as: "created_at"))
                          FROM organizations WHERE region = \(region)) d
                    FULL JOIN (\(unescaped: try Self.entries(kind: .orgRegistered, region: region))) l
                        ON l.subject = d.subject
                    """, logger: database.logger)
            case .agentRegistered:
                rows = try await client.query(
                    """
                    SELECT l.seq, l.body, l.subject AS entry_subject, coalesce(l.pending, false) AS pending, d.*
                    FROM (SELECT agent_id AS subject, org_id, agent_name, description,
                            \(unescaped: SQL.micros("created_at", as: "created_at"))
                          FROM agents WHERE region = \(region)) d
                    FULL JOIN (\(unescaped: try Self.entries(kind: .agentRegistered, region: region))) l
                        ON l.subject = d.subject
                    """, logger: database.logger)
            case .authEvent:
                rows = try await client.query(
                    """
                    SELECT l.seq, l.body, l.subject AS entry_subject, coalesce(l.pending, false) AS pending, d.*
                    FROM (SELECT event_id::text AS subject, event_type, success, agent_id, org_id, endpoint, client_ip, reason,
                            \(unescaped: SQL.micros("created_at", as: "created_at"))
                          FROM auth_events WHERE region = \(region)) d
                    FULL JOIN (\(unescaped: try Self.entries(kind: .authEvent, region: region))) l
                        ON l.subject = d.subject
                    """, logger: database.logger)
            case .sealExecuted, .regionControl:
                return
            }
            for try await row in rows {
                let r = row.makeRandomAccess()
                let seq = try r.get("seq", as: Int64?.self)
                // A record not chained yet is neither missing nor checkable: the chainer will link it.
                if try r.get("pending", as: Bool.self) { continue }
                let rowSubject = try r.get("subject", as: String?.self)
                let entrySubject = try r.get("entry_subject", as: String?.self)
                var record: LedgerRecord? = nil
                var rowNote: String? = nil
                if rowSubject != nil {
                    record = try Self.record(kind: kind, row: r)
                    if record == nil { rowNote = "the manifest row is there but its seal row is missing" }
                }
                try await body(
                    LedgerPair(
                        kind: kind, subject: rowSubject ?? entrySubject ?? "?", seq: seq,
                        ledgerBody: try r.get("body", as: Data?.self).map(Array.init), row: record, rowNote: rowNote))
            }
        }
    }

    /// The region's records of `kind` with their chain seq (NULL when not chained: still pending,
    /// i.e. after the chain cursor, or its entry was deleted), as a
    /// subquery with columns seq, subject, body, pending. postgres-nio cannot splice a query with
    /// bindings into another, so the region goes in as a checked literal.
    private static func entries(kind: LedgerKind, region: String) throws -> String {
        """
        SELECT l.seq, r.subject, r.body,
            (l.seq IS NULL AND (r.xid, r.id) > (coalesce(h.chained_xid, '0'), coalesce(h.chained_id, 0))) AS pending
        FROM ledger_records r LEFT JOIN ledger l ON l.record_id = r.id LEFT JOIN ledger_heads h ON h.region = r.region
        WHERE r.region = \(try SQL.regionLiteral(region)) AND r.kind = '\(kind.rawValue)'
        """
    }

    private static func record(kind: LedgerKind, row r: PostgresRandomAccessRow) throws -> LedgerRecord? {
        let subject: String = try r.get("subject")
        switch kind {
        case .manifest:
            let manifest = ManifestRecord(
                manifestID: subject, version: try r.get("version"), manifestTimestamp: try r.timestamp("manifest_timestamp"),
                agentID: try r.get("agent_id"), orgID: try r.get("org_id"), userID: try r.get("user_id"),
                provider: try r.get("provider"), method: try r.get("method"), parameters: try r.jsonObject("parameters"),
                reasoning: try r.get("reasoning"), confidenceScore: try r.get("confidence_score"),
                context: try r.get("context", as: String?.self) == nil ? nil : try r.jsonObject("context"),
                environment: try r.get("environment"), approved: try r.get("approved"),
                denialReason: try r.get("denial_reason"), policyVersion: try r.get("policy_version"),
                createdAt: try r.timestamp("created_at"))
            guard let sealID = try r.get("seal_id", as: String?.self) else { return nil }
            let seal = SealRecord(
                sealID: sealID, approved: try r.get("seal_approved"), policyVersion: try r.get("seal_policy_version"),
                denialReason: try r.get("seal_denial_reason"), keyID: try r.get("key_id"),
                publicKey: Array(try r.get("public_key", as: Data.self)), signature: Array(try r.get("signature", as: Data.self)),
                signedPayload: Array(try r.get("signed_payload", as: Data.self)), issuedAt: try r.timestamp("issued_at"),
                expiresAt: try r.timestamp("expires_at"))
            return .manifest(manifest, seal)
        case .orgRegistered:
            return .orgRegistered(
                OrgRecord(
                    orgID: subject, orgName: try r.get("org_name"), contactEmail: try r.get("contact_email"),
                    createdAt: try r.timestamp("created_at")))
        case .agentRegistered:
            return .agentRegistered(
                AgentRecord(
                    agentID: subject, orgID: try r.get("org_id"), agentName: try r.get("agent_name"),
                    description: try r.get("description"), createdAt: try r.timestamp("created_at")))
        case .authEvent:
            return .authEvent(
                AuthEventRecord(
                    eventID: subject,
                    event: AuthEvent(
                        type: try r.get("event_type"), success: try r.get("success"), agentID: try r.get("agent_id"),
                        orgID: try r.get("org_id"), endpoint: try r.get("endpoint"), clientIP: try r.get("client_ip"),
                        reason: try r.get("reason")),
                    createdAt: try r.timestamp("created_at")))
        case .sealExecuted, .regionControl:
            return nil
        }
    }

    /// Every seal of `region` that is executed or has a `seal_executed` entry, next to that entry.
    public func forEachExecution(region: String, _ body: (ExecutionPair) async throws -> Void) async throws {
        return try await database.operation("read \(region)'s seal executions next to their ledger entries") { client in
            let rows = try await client.query(
                """
                SELECT coalesce(l.pending, false) AS pending, coalesce(d.seal_id, l.subject) AS seal_id, (d.seal_id IS NOT NULL OR s2.seal_id IS NOT NULL) AS row_exists,
                    \(unescaped: SQL.micros("d.executed_at", as: "executed_at")), l.seq, l.body,
                    (SELECT lm.seq FROM ledger lm JOIN ledger_records rm ON rm.id = lm.record_id
                     WHERE lm.region = \(region) AND rm.region = \(region) AND rm.kind = 'manifest'
                        AND rm.subject = coalesce(d.manifest_id, s2.manifest_id)::text) AS manifest_seq
                FROM (SELECT seal_id, manifest_id, executed_at FROM seals WHERE region = \(region) AND was_executed) d
                FULL JOIN (\(unescaped: try Self.entries(kind: .sealExecuted, region: region))) l ON l.subject = d.seal_id
                LEFT JOIN seals s2 ON s2.seal_id = l.subject
                """, logger: database.logger)
            for try await row in rows {
                let r = row.makeRandomAccess()
                if try r.get("pending", as: Bool.self) { continue }
                try await body(
                    ExecutionPair(
                        sealID: try r.get("seal_id"), manifestSeq: try r.get("manifest_seq"),
                        rowExecutedAt: try r.optionalTimestamp("executed_at"), rowExists: try r.get("row_exists"),
                        seq: try r.get("seq"), ledgerBody: try r.get("body", as: Data?.self).map(Array.init)))
            }
        }
    }
}

extension LedgerCoverage {
    /// Subjects recorded by more than one entry of the same kind (a record chained twice), with their seqs.
    public func duplicateSubjects(region: String) async throws -> [(kind: String, subject: String, seqs: [Int64])] {
        return try await database.operation("look for records chained twice in \(region)") { client in
            var out: [(String, String, [Int64])] = []
            for try await (kind, subject, seqs) in try await client.query(
                """
                SELECT r.kind, r.subject, array_agg(l.seq ORDER BY l.seq)
                FROM ledger l JOIN ledger_records r ON r.id = l.record_id WHERE l.region = \(region)
                GROUP BY r.kind, r.subject HAVING count(*) > 1
                """, logger: database.logger
            ).decode((String, String, [Int64]).self) {
                out.append((kind, subject, seqs))
            }
            return out
        }
    }
}
