import Foundation
import PostgresNIO
import RelayCore
import RelayStore

/// Where chaining stands: the (xid, id) of the last record linked. Every record before it is final.
public struct ChainCursor: Sendable, Equatable {
    /// The writing transaction's id (`xid8`, as text).
    public var xid: String
    /// The `ledger_records` id.
    public var id: Int64
}

/// The chain's SQL (docs/ledger-format.md, "How entries are made"): the region's leader lock,
/// its locked head and cursor, the records whose writers have finished, and linking them. It
/// decides nothing: `ChainStep` says in what order these run.
public struct ChainStore: Sendable {
    /// The region's database.
    public let database: Database

    /// Creates a store on `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Advisory-lock class of chainer leadership (the second key is `hashtext(region)`).
    static let lockClass: Int32 = 0x52_4c_59_43  // "RLYC"

    /// Runs `body` in one REPEATABLE READ transaction holding `region`'s leader lock (released at
    /// commit); nil, without running it, when another chainer holds the lock.
    public func leading<T: Sendable>(region: String, _ body: (ChainTransaction) async throws -> T) async throws -> T? {
        try await database.transaction("chain step for \(region)", isolation: "REPEATABLE READ") { conn in
            var leader = false
            for try await (ok) in try await conn.guardedQuery(
                "SELECT pg_try_advisory_xact_lock(\(Self.lockClass), hashtext(\(region)))", logger: database.logger
            ).decode(Bool.self) {
                leader = ok
            }
            guard leader else { return nil }
            return try await body(ChainTransaction(region: region, conn: conn, database: database))
        }
    }
}

/// One chaining transaction of a region, under its leader lock.
public struct ChainTransaction: Sendable {
    /// The region being chained.
    public let region: String
    let conn: PostgresConnection
    let database: Database

    /// The recorded head and chain cursor, locked for this transaction (created on the first
    /// step), the head checked against the last stored entry, in one round trip when it exists.
    /// Fails closed (`ChainerError.headMismatch`) when the stored chain does not end at the head.
    public func lockedHead() async throws -> (LedgerHead, ChainCursor) {
        for attempt in 0..<2 {
            let rows = try await conn.guardedQuery(
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
                return (LedgerHead(seq: seq, hash: Array(hash), epoch: epoch), ChainCursor(xid: xid, id: id))
            }
            guard attempt == 0 else { break }
            try await conn.guardedQuery(
                """
                INSERT INTO ledger_heads (region, hash) VALUES (\(region), \(Data(LedgerEntry.genesisPrevHash)))
                ON CONFLICT (region) DO NOTHING
                """, logger: database.logger)
        }
        throw StoreError.corruptRow("ledger_heads has no row for \(region)")
    }

    /// Up to `limit` records after `cursor` whose writing transaction finished (xid below the
    /// snapshot's xmin), in (xid, id) order, and the cursor after the last of them. A transaction
    /// still running when the snapshot was taken has an xid ≥ xmin, so its rows are never passed
    /// over: they wait for a later step.
    public func committed(after cursor: ChainCursor, limit: Int) async throws -> (records: [PendingRecord], cursor: ChainCursor) {
        var records: [PendingRecord] = []
        var last = cursor
        let rows = try await conn.guardedQuery(
            """
            SELECT r.id, r.xid::text, r.kind, r.body, \(unescaped: SQL.micros("r.created_at", as: "created_at"))
            FROM ledger_records r
            WHERE r.region = \(region) AND r.xid < pg_snapshot_xmin(pg_current_snapshot())
                AND (r.xid, r.id) > (\(cursor.xid)::xid8, \(cursor.id))
            ORDER BY r.xid, r.id LIMIT \(Int64(limit))
            """, logger: database.logger)
        for try await (id, xid, kind, body, micros) in rows.decode((Int64, String, String, Data, Int64).self) {
            guard let k = LedgerKind(rawValue: kind) else { throw ChainerError.unknownKind(recordID: id, kind: kind) }
            records.append(PendingRecord(id: id, kind: k, body: Array(body), committedAt: Timestamp(microseconds: micros)))
            last = ChainCursor(xid: xid, id: id)
        }
        return (records, last)
    }

    /// Stores `entries` (which link `records`, in order) and moves the head and the cursor, in one
    /// statement: small chain rows point at the records (bodies are never copied). Hashes go as
    /// bytea arrays, as the receivers bind them, not as hex text for PostgreSQL to decode.
    public func append(_ entries: [LedgerEntry], linking records: [PendingRecord], cursor: ChainCursor) async throws {
        guard let last = entries.last else { return }
        let head = LedgerHead(after: last)
        try await conn.guardedQuery(
            """
            WITH e AS (
                SELECT * FROM unnest(\(records.map(\.id)), \(entries.map(\.seq)),
                    \(entries.map { ByteBuffer(bytes: $0.prevHash) }), \(entries.map { ByteBuffer(bytes: $0.hash) }))
                    AS e(id, seq, prev_hash, hash)
            ), linked AS (
                INSERT INTO ledger (region, seq, record_id, committed_at, epoch, prev_hash, hash)
                SELECT \(region), e.seq, e.id, r.created_at, \(head.epoch), e.prev_hash, e.hash
                FROM e JOIN ledger_records r ON r.id = e.id
            )
            UPDATE ledger_heads SET seq = \(head.seq), hash = \(Data(head.hash)), chained_xid = \(cursor.xid)::xid8,
                chained_id = \(cursor.id), updated_at = clock_timestamp()
            WHERE region = \(region)
            """, logger: database.logger)
    }
}
