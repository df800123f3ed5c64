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
    /// With `replica`, `region` is another region whose rows this database holds, matched with
    /// the entries of its replica (`replica_ledger`) instead of this region's ledger.
    public func forEachPair(
        kind: LedgerKind, region: String, replica: Bool = false, _ body: (LedgerPair) async throws -> Void
    ) async throws {
        let tables = kind.tables
        guard let first = tables.first else { return }
        return try await database.operation("read \(region)'s \(kind.rawValue) rows next to their ledger entries") { conn in
            // The row's columns, generated from the record schemas like the statements that wrote
            // them; the tables after the first hang off it (a seal off its manifest).
            let columns = tables.flatMap { table in table.fields.map { $0.select(from: table.alias, as: Self.label($0, in: table)) } }
            let from = ([first.name + " " + first.alias] + tables.dropFirst().map { $0.join(to: first) }).joined(separator: " ")
            let rows = try await conn.guardedQuery(
                """
                SELECT l.seq, l.body, l.subject AS entry_subject, coalesce(l.pending, false) AS pending, d.*
                FROM (SELECT \(unescaped: "\(first.alias).\(first.key.name)::text") AS subject, \(unescaped: columns.joined(separator: ", "))
                      FROM \(unescaped: from) WHERE \(unescaped: first.alias).region = \(region)) d
                FULL JOIN (\(unescaped: try replica ? Self.replicaEntries(kind: kind, origin: region) : Self.entries(kind: kind, region: region))) l
                    ON l.subject = d.subject
                """, logger: database.logger)
            for try await row in rows {
                let r = row.makeRandomAccess()
                let seq = try r.get("seq", as: Int64?.self)
                // A record not chained yet is neither missing nor checkable: the chainer will link it.
                if try r.get("pending", as: Bool.self) { continue }
                let rowSubject = try r.get("subject", as: String?.self)
                let entrySubject = try r.get("entry_subject", as: String?.self)
                var record: LedgerRecord? = nil
                var rowNote: String? = nil
                if let rowSubject {
                    (record, rowNote) = try Self.record(kind: kind, subject: rowSubject, tables: tables, row: r)
                }
                try await body(
                    LedgerPair(
                        kind: kind, subject: rowSubject ?? entrySubject ?? "?", seq: seq,
                        ledgerBody: try r.get("body", as: Data?.self).map(Array.init), row: record, rowNote: rowNote))
            }
        }
    }

    /// The label a field of `table` is selected as (tables of one kind share column names).
    private static func label(_ field: FieldSpec, in table: RecordTable) -> String {
        "\(table.alias)_\(field.name)"
    }

    /// The row read back as the body it would have been written from, then as a record; or why
    /// there is no record although the first table's row exists.
    private static func record(
        kind: LedgerKind, subject: String, tables: [RecordTable], row r: PostgresRandomAccessRow
    ) throws -> (LedgerRecord?, String?) {
        var body: [String: JSONValue] = [kind.subjectField: .string(subject)]
        for table in tables {
            guard try !table.key.member(in: r, label: label(table.key, in: table)).isNull else {
                return (nil, "the \(tables[0].noun) row is there but its \(table.noun) row is missing")
            }
            var object: [String: JSONValue] = [:]
            for field in table.fields { object[field.name] = try field.member(in: r, label: label(field, in: table)) }
            if let member = table.member {
                body[member] = .object(object)
            } else {
                body.merge(object) { $1 }
            }
        }
        do {
            return (try LedgerRecord(kind: kind, body: .object(body)), nil)
        } catch {
            throw StoreError.corruptRow("\(tables[0].noun) row \(subject) is not a \(kind.rawValue) record: \(error)")
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

    /// `origin`'s replica entries of `kind`, in the columns of `entries` (nothing is pending in a replica).
    private static func replicaEntries(kind: LedgerKind, origin: String) throws -> String {
        """
        SELECT seq, subject, body, false AS pending FROM replica_ledger
        WHERE origin = \(try SQL.regionLiteral(origin)) AND kind = '\(kind.rawValue)'
        """
    }

    /// Every seal of `region` that is executed or has a `seal_executed` entry, next to that entry.
    /// A region that took another over in a switchover records its executions of that region's
    /// seals in its own ledger: they are checked there, against the replicated seal row, and not
    /// at the seal's home (whose copy of the successor's ledger holds the entry).
    ///
    /// With `holder`, `region` is another region whose copy `holder`'s database keeps: its
    /// `seal_executed` entries come from the replica, and its executed seal rows are matched with
    /// them unless another copy (a successor's, or `holder`'s own ledger) records the execution.
    public func forEachExecution(region: String, replicaHeldBy holder: String? = nil, _ body: (ExecutionPair) async throws -> Void) async throws {
        let entries = try holder == nil ? Self.entries(kind: .sealExecuted, region: region) : Self.replicaEntries(kind: .sealExecuted, origin: region)
        let literal = try SQL.regionLiteral(region)
        // An execution the holder made itself, as the region's switchover successor, is in its own ledger.
        let ownLedger = try holder.map {
            "AND NOT EXISTS (SELECT 1 FROM ledger_records lr WHERE lr.kind = 'seal_executed' AND lr.subject = seals.seal_id AND lr.region = \(try SQL.regionLiteral($0)))"
        } ?? ""
        // The seq of the entry recording the seal's manifest, in the copy being checked.
        let manifests =
            holder == nil
            ? "SELECT lm.seq FROM ledger lm JOIN ledger_records rm ON rm.id = lm.record_id WHERE lm.region = \(literal) AND rm.region = \(literal) AND rm.kind = 'manifest'"
            : "SELECT rm.seq FROM replica_ledger rm WHERE rm.origin = \(literal) AND rm.kind = 'manifest'"
        return try await database.operation("read \(region)'s seal executions next to their ledger entries") { conn in
            let rows = try await conn.guardedQuery(
                """
                SELECT coalesce(l.pending, false) AS pending, coalesce(d.seal_id, l.subject) AS seal_id, (d.seal_id IS NOT NULL OR s2.seal_id IS NOT NULL) AS row_exists,
                    \(unescaped: SQL.micros("coalesce(d.executed_at, CASE WHEN s2.was_executed THEN s2.executed_at END)", as: "executed_at")), l.seq, l.body,
                    (\(unescaped: manifests) AND rm.subject = coalesce(d.manifest_id, s2.manifest_id)::text) AS manifest_seq
                FROM (SELECT seal_id, manifest_id, executed_at FROM seals WHERE region = \(region) AND was_executed
                      -- executed by a successor after a switchover: that region's ledger records it
                      AND NOT EXISTS (SELECT 1 FROM replica_ledger rl WHERE rl.kind = 'seal_executed' AND rl.subject = seals.seal_id AND rl.origin <> \(region))
                      \(unescaped: ownLedger)) d
                FULL JOIN (\(unescaped: entries)) l ON l.subject = d.seal_id
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
        return try await database.operation("look for records chained twice in \(region)") { conn in
            var out: [(String, String, [Int64])] = []
            for try await (kind, subject, seqs) in try await conn.guardedQuery(
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
