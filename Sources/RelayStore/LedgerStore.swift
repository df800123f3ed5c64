import Foundation
import Logging
import PostgresNIO
import RelayCore

/// The regional ledger's head, backlog and entries (chaining itself is RelayLedger's `ChainStore`).
public struct LedgerStore: Sendable {
    let database: Database

    /// Creates a store on `database`.
    public init(database: Database) {
        self.database = database
    }

    /// The head the chainer recorded for `region`; nil before its first step.
    public func recordedHead(region: String) async throws -> LedgerHead? {
        return try await database.operation("read \(region)'s chain head") { conn in
            for try await (seq, hash, epoch) in try await conn.guardedQuery(
                "SELECT seq, hash, epoch FROM ledger_heads WHERE region = \(region)", logger: database.logger
            ).decode((Int64, Data, Int64).self) {
                return LedgerHead(seq: seq, hash: Array(hash), epoch: epoch)
            }
            return nil
        }
    }

    /// Records written but not yet chained for `region`, and when the oldest was written. The
    /// cursor comes from subqueries so the scan starts at it in the index (read on every /health).
    public func backlog(region: String) async throws -> (count: Int64, oldest: Timestamp?) {
        return try await database.operation("count \(region)'s unchained records") { conn in
            for try await (count, oldest) in try await conn.guardedQuery(
                """
                SELECT count(*), \(unescaped: SQL.micros("min(r.created_at)", as: "oldest"))
                FROM ledger_records r
                WHERE r.region = \(region) AND (r.xid, r.id) > (
                    coalesce((SELECT chained_xid FROM ledger_heads WHERE region = \(region)), '0'),
                    coalesce((SELECT chained_id FROM ledger_heads WHERE region = \(region)), 0))
                """, logger: database.logger
            ).decode((Int64, Int64?).self) {
                return (count, oldest.map(Timestamp.init(microseconds:)))
            }
            return (0, nil)
        }
    }

    /// Calls `body` with every stored entry of `region` from `seq` through `last`, in seq order, streaming
    /// (memory stays flat however long the chain is). The subject is passed alongside.
    public func forEachEntry(
        region: String, from seq: Int64 = 1, through last: Int64 = .max, _ body: (LedgerEntry, String) async throws -> Void
    ) async throws {
        return try await database.operation("read \(region)'s ledger") { conn in
            let rows = try await conn.guardedQuery(
                """
                SELECT l.seq, coalesce(r.kind, '?'), coalesce(r.subject, '?'), coalesce(r.body, ''::bytea),
                    \(unescaped: SQL.micros("l.committed_at", as: "committed_at")), l.epoch, l.prev_hash, l.hash
                FROM ledger l LEFT JOIN ledger_records r ON r.id = l.record_id
                WHERE l.region = \(region) AND l.seq BETWEEN \(seq) AND \(last) ORDER BY l.seq
                """, logger: database.logger)
            for try await (seq, kind, subject, bodyBytes, micros, epoch, prev, hash) in rows.decode(
                (Int64, String, String, Data, Int64, Int64, Data, Data).self)
            {
                guard let k = LedgerKind(rawValue: kind) else {
                    throw StoreError.corruptRow("ledger \(region) seq \(seq) has unknown kind '\(kind)'")
                }
                let entry = LedgerEntry(
                    region: region, seq: seq, kind: k, body: Array(bodyBytes), committedAt: Timestamp(microseconds: micros),
                    epoch: epoch, prevHash: Array(prev), hash: Array(hash))
                try await body(entry, subject)
            }
        }
    }
}
