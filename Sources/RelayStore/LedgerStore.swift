import Foundation
import Logging
import PostgresNIO
import RelayCore

/// What one chaining step did.
public enum ChainStepOutcome: Sendable, Equatable {
    /// Another chainer holds the region's leader lock.
    case notLeader
    /// Linked `count` records; the chain now ends at `head`.
    case chained(count: Int, head: LedgerHead)
    /// Nothing committed below the horizon was waiting.
    case idle(head: LedgerHead)
}

/// Why the chainer refused to extend a chain (it fails closed: a chain it cannot trust is not extended).
public enum ChainerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The last stored entry is not the head the chainer recorded (rows deleted or inserted behind it).
    case headMismatch(region: String, recorded: Int64, stored: Int64)
    /// A pending record of a kind this version does not know.
    case unknownKind(recordID: Int64, kind: String)

    public var description: String {
        switch self {
        case .headMismatch(let region, let recorded, let stored):
            "ledger of \(region) ends at seq \(stored) but its recorded head is seq \(recorded): refusing to chain; run `relay-dr verify --local --region \(region)`"
        case .unknownKind(let id, let kind): "ledger_records row \(id) has unknown kind '\(kind)': refusing to chain"
        }
    }
}

/// The regional ledger: chaining committed records (DESIGN §5), its head and backlog, reading entries.
public struct LedgerStore: Sendable {
    let database: Database

    /// Creates a store on `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Advisory-lock class of chainer leadership (the second key is `hashtext(region)`).
    static let chainerLockClass: Int32 = 0x52_4c_59_43  // "RLYC"

    /// One chaining step for `region`: under the region's leader lock, in one REPEATABLE READ
    /// transaction, links up to `limit` records after the chain cursor (the (xid, id) of the last
    /// record linked) whose writing transaction finished (xid below the snapshot's xmin), in
    /// (xid, id) order, and moves the cursor. A transaction still running when the snapshot was
    /// taken has an xid ≥ xmin, so its rows are never passed over: they wait for a later step, and
    /// every row before the cursor is final. Two chainers are safe: the lock admits one, and the
    /// head row lock plus the (region, seq) key reject a stale one.
    public func chainStep(region: String, limit: Int = 1000) async throws -> ChainStepOutcome {
        try await database.transaction("chain step for \(region)", isolation: "REPEATABLE READ") { conn in
            let lock = try await conn.query(
                "SELECT pg_try_advisory_xact_lock(\(Self.chainerLockClass), hashtext(\(region)))", logger: database.logger)
            var leader = false
            for try await (ok) in lock.decode(Bool.self) { leader = ok }
            guard leader else { return .notLeader }

            let (head, cursor) = try await lockedHead(region: region, conn: conn)
            var pending: [PendingRecord] = []
            var last = cursor
            let rows = try await conn.query(
                """
                SELECT r.id, r.xid::text, r.kind, r.body, \(unescaped: SQL.micros("r.created_at", as: "created_at"))
                FROM ledger_records r
                WHERE r.region = \(region) AND r.xid < pg_snapshot_xmin(pg_current_snapshot())
                    AND (r.xid, r.id) > (\(cursor.xid)::xid8, \(cursor.id))
                ORDER BY r.xid, r.id LIMIT \(Int64(limit))
                """, logger: database.logger)
            for try await (id, xid, kind, body, micros) in rows.decode((Int64, String, String, Data, Int64).self) {
                guard let k = LedgerKind(rawValue: kind) else { throw ChainerError.unknownKind(recordID: id, kind: kind) }
                pending.append(PendingRecord(id: id, kind: k, body: Array(body), committedAt: Timestamp(microseconds: micros)))
                last = (xid, id)
            }
            guard !pending.isEmpty else { return .idle(head: head) }

            // One statement links them: small chain rows point at the records (bodies are never
            // copied), the head and the cursor advance.
            let entries = head.link(pending, region: region)
            let newHead = LedgerHead(after: entries[entries.count - 1])
            try await conn.query(
                """
                WITH e AS (
                    SELECT * FROM unnest(\(pending.map(\.id)), \(entries.map(\.seq)),
                        \(entries.map { Hex.encode($0.prevHash) }), \(entries.map { Hex.encode($0.hash) }))
                        AS e(id, seq, prev_hash, hash)
                ), linked AS (
                    INSERT INTO ledger (region, seq, record_id, committed_at, epoch, prev_hash, hash)
                    SELECT \(region), e.seq, e.id, r.created_at, \(head.epoch), decode(e.prev_hash, 'hex'), decode(e.hash, 'hex')
                    FROM e JOIN ledger_records r ON r.id = e.id
                )
                UPDATE ledger_heads SET seq = \(newHead.seq), hash = \(Data(newHead.hash)), chained_xid = \(last.xid)::xid8,
                    chained_id = \(last.id), updated_at = clock_timestamp()
                WHERE region = \(region)
                """, logger: database.logger)
            return .chained(count: entries.count, head: newHead)
        }
    }

    /// The recorded head and chain cursor, locked for this transaction (created on the first
    /// step), the head checked against the last stored entry, in one round trip when it exists.
    private func lockedHead(region: String, conn: PostgresConnection) async throws -> (LedgerHead, (xid: String, id: Int64)) {
        for attempt in 0..<2 {
            let rows = try await conn.query(
                """
                SELECT h.seq, h.hash, h.epoch, h.chained_xid::text, h.chained_id, coalesce(l.seq, 0),
                    coalesce(l.hash, \(Data(LedgerEntry.genesisPrevHash)))
                FROM ledger_heads h
                LEFT JOIN LATERAL (SELECT seq, hash FROM ledger WHERE region = h.region ORDER BY seq DESC LIMIT 1) l ON true
                WHERE h.region = \(region) FOR UPDATE OF h
                """, logger: database.logger)
            for try await (seq, hash, epoch, xid, id, storedSeq, storedHash) in rows.decode((Int64, Data, Int64, String, Int64, Int64, Data).self) {
                guard storedSeq == seq, storedHash == hash else {
                    throw ChainerError.headMismatch(region: region, recorded: seq, stored: storedSeq)
                }
                return (LedgerHead(seq: seq, hash: Array(hash), epoch: epoch), (xid, id))
            }
            guard attempt == 0 else { break }
            try await conn.query(
                """
                INSERT INTO ledger_heads (region, hash) VALUES (\(region), \(Data(LedgerEntry.genesisPrevHash)))
                ON CONFLICT (region) DO NOTHING
                """, logger: database.logger)
        }
        throw StoreError.corruptRow("ledger_heads has no row for \(region)")
    }

    /// The head the chainer recorded for `region`; nil before its first step.
    public func recordedHead(region: String) async throws -> LedgerHead? {
        return try await database.operation("read \(region)'s chain head") { client in
            for try await (seq, hash, epoch) in try await client.query(
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
        return try await database.operation("count \(region)'s unchained records") { client in
            for try await (count, oldest) in try await client.query(
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

    /// Calls `body` with every stored entry of `region` from `seq` on, in seq order, streaming
    /// (memory stays flat however long the chain is). The subject is passed alongside.
    public func forEachEntry(
        region: String, from seq: Int64 = 1, _ body: (LedgerEntry, String) async throws -> Void
    ) async throws {
        return try await database.operation("read \(region)'s ledger") { client in
            let rows = try await client.query(
                """
                SELECT l.seq, coalesce(r.kind, '?'), coalesce(r.subject, '?'), coalesce(r.body, ''::bytea),
                    \(unescaped: SQL.micros("l.committed_at", as: "committed_at")), l.epoch, l.prev_hash, l.hash
                FROM ledger l LEFT JOIN ledger_records r ON r.id = l.record_id
                WHERE l.region = \(region) AND l.seq >= \(seq) ORDER BY l.seq
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
