import Foundation
import PostgresNIO
import RelayCore

/// The copies of other regions' chains held by this region, and the domain rows materialised
/// from them (DESIGN §6). Every batch is applied in ONE transaction, or not at all.
public struct ReplicaStore: Sendable {
    let database: Database

    /// Creates a store on `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Applies a batch whose records and signature were already checked: decides against the
    /// replica head (locked), then stores the new records, materialises them into the domain
    /// tables, keeps the signed header and advances the head. Throws `BatchError` for quarantine,
    /// stale epoch, gap and divergence (nothing written then).
    public func apply(_ batch: Batch) async throws -> (decision: ReplicaHead.Decision, head: ReplicaHead) {
        let origin = batch.header.origin
        return try await database.transaction("apply batch \(batch.header.batchNo) from \(origin) (seqs \(batch.header.firstSeq)…\(batch.header.lastSeq))") { conn in
            let head = try await lockedHead(origin: origin, conn: conn)
            var held: [Int64: [UInt8]] = [:]
            if batch.header.firstSeq <= head.seq {
                let upper = min(batch.header.lastSeq, head.seq)
                for try await (seq, hash) in try await conn.query(
                    """
                    SELECT seq, hash FROM replica_ledger
                    WHERE origin = \(origin) AND seq BETWEEN \(batch.header.firstSeq) AND \(upper)
                    """, logger: database.logger
                ).decode((Int64, Data).self) {
                    held[seq] = Array(hash)
                }
            }
            let decision = try head.decide(batch, held: held)
            guard case .apply(let from) = decision else { return (decision, head) }
            let new = Array(batch.records[from...])
            let entries = new.map(\.entry)
            try await conn.query(
                """
                INSERT INTO replica_ledger (origin, seq, kind, subject, body, committed_at, epoch, prev_hash, hash, batch_no)
                SELECT \(origin), e.seq, e.kind, e.subject, decode(e.body, 'hex'),
                    'epoch'::timestamptz + e.micros * interval '1 microsecond', e.epoch,
                    decode(e.prev_hash, 'hex'), decode(e.hash, 'hex'), \(batch.header.batchNo)
                FROM unnest(\(entries.map(\.seq)), \(entries.map(\.kind.rawValue)), \(new.map(\.subject)),
                    \(entries.map { Hex.encode($0.body) }), \(entries.map(\.committedAt.microseconds)), \(entries.map(\.epoch)),
                    \(entries.map { Hex.encode($0.prevHash) }), \(entries.map { Hex.encode($0.hash) }))
                    AS e(seq, kind, subject, body, micros, epoch, prev_hash, hash)
                """, logger: database.logger)
            try await ReplicaMaterializer(origin: origin, logger: database.logger).materialize(entries, on: conn)
            try await conn.query(
                """
                INSERT INTO replica_batches (origin, first_seq, last_seq, batch_no, header, signature)
                VALUES (\(origin), \(batch.header.firstSeq), \(batch.header.lastSeq), \(batch.header.batchNo),
                    \(Data(CanonicalJSON.bytes(batch.header.json))), \(Data(batch.signature)))
                ON CONFLICT DO NOTHING
                """, logger: database.logger)
            let last = entries[entries.count - 1]
            try await conn.query(
                """
                UPDATE replica_heads SET seq = \(last.seq), hash = \(Data(last.hash)),
                    epoch = greatest(epoch, \(batch.header.epoch)), updated_at = clock_timestamp()
                WHERE origin = \(origin)
                """, logger: database.logger)
            var advanced = head
            advanced.seq = last.seq
            advanced.hash = last.hash
            advanced.epoch = max(head.epoch, batch.header.epoch)
            return (decision, advanced)
        }
    }

    private func lockedHead(origin: String, conn: PostgresConnection) async throws -> ReplicaHead {
        try await conn.query(
            "INSERT INTO replica_heads (origin, hash) VALUES (\(origin), \(Data(LedgerEntry.genesisPrevHash))) ON CONFLICT DO NOTHING",
            logger: database.logger)
        for try await (seq, hash, epoch, quarantined) in try await conn.query(
            "SELECT seq, hash, epoch, quarantined FROM replica_heads WHERE origin = \(origin) FOR UPDATE", logger: database.logger
        ).decode((Int64, Data, Int64, Bool).self) {
            return ReplicaHead(origin: origin, seq: seq, hash: Array(hash), epoch: epoch, quarantined: quarantined)
        }
        throw StoreError.corruptRow("replica_heads has no row for \(origin)")
    }

    /// Quarantines `origin` on this region (after a divergence): nothing more is applied from it.
    public func quarantine(origin: String, reason: String) async throws {
        return try await database.operation("quarantine \(origin)") { client in
            try await client.query(
                """
                INSERT INTO replica_heads (origin, hash, quarantined, quarantine_reason)
                VALUES (\(origin), \(Data(LedgerEntry.genesisPrevHash)), true, \(reason))
                ON CONFLICT (origin) DO UPDATE SET quarantined = true, quarantine_reason = \(reason), updated_at = clock_timestamp()
                """, logger: database.logger)
        }
    }

    /// Every origin's replica head, with the quarantine reason when quarantined.
    public func heads() async throws -> [(head: ReplicaHead, reason: String?)] {
        return try await database.operation("read the replica heads") { client in
            var out: [(ReplicaHead, String?)] = []
            for try await (origin, seq, hash, epoch, quarantined, reason) in try await client.query(
                "SELECT origin, seq, hash, epoch, quarantined, quarantine_reason FROM replica_heads ORDER BY origin",
                logger: database.logger
            ).decode((String, Int64, Data, Int64, Bool, String?).self) {
                out.append((ReplicaHead(origin: origin, seq: seq, hash: Array(hash), epoch: epoch, quarantined: quarantined), reason))
            }
            return out
        }
    }

    /// Calls `body` with every replica entry of `origin` in seq order (streaming).
    public func forEachEntry(origin: String, _ body: (LedgerEntry, String) async throws -> Void) async throws {
        return try await database.operation("read the replica of \(origin)") { client in
            let rows = try await client.query(
                """
                SELECT seq, kind, subject, body, \(unescaped: SQL.micros("committed_at", as: "committed_at")), epoch, prev_hash, hash
                FROM replica_ledger WHERE origin = \(origin) ORDER BY seq
                """, logger: database.logger)
            for try await (seq, kind, subject, bodyBytes, micros, epoch, prev, hash) in rows.decode(
                (Int64, String, String, Data, Int64, Int64, Data, Data).self)
            {
                guard let k = LedgerKind(rawValue: kind) else { throw StoreError.corruptRow("replica \(origin) seq \(seq): kind '\(kind)'") }
                try await body(
                    LedgerEntry(
                        region: origin, seq: seq, kind: k, body: Array(bodyBytes), committedAt: Timestamp(microseconds: micros),
                        epoch: epoch, prevHash: Array(prev), hash: Array(hash)), subject)
            }
        }
    }
}
