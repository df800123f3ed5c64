import Foundation
import Logging
import NIOCore
import PostgresNIO
import RelayCore

/// The copies of other regions' chains held by this region, and the domain rows materialised
/// from them. Every batch is applied in ONE transaction, or not at all; what to apply is the
/// receiver's decision (`ReplicaHead.decide`), made inside `withLockedHead`.
public struct ReplicaStore: Sendable {
    let database: Database

    /// Creates a store on `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Runs `body` in ONE transaction with `origin`'s replica head locked (created at genesis on
    /// first use): the caller decides what to write from the head. Rolled back when `body` throws.
    public func withLockedHead<T: Sendable>(
        _ origin: String, purpose: @autoclosure () -> String, _ body: (ReplicaTransaction) async throws -> T
    ) async throws -> T {
        try await database.transaction(purpose()) { conn in
            // Mirrors peers' records, including a successor's executions of this region's seals
            // while this region is fenced or taken over (migration 0006's fence lets these through).
            try await conn.guardedQuery("SELECT set_config('relay.replica_apply', 'on', true)", logger: database.logger)
            try await conn.guardedQuery(
                "INSERT INTO replica_heads (origin, hash) VALUES (\(origin), \(Data(LedgerEntry.genesisPrevHash))) ON CONFLICT DO NOTHING",
                logger: database.logger)
            var head: ReplicaHead?
            for try await (seq, hash, epoch, quarantined) in try await conn.guardedQuery(
                "SELECT seq, hash, epoch, quarantined FROM replica_heads WHERE origin = \(origin) FOR UPDATE", logger: database.logger
            ).decode((Int64, Data, Int64, Bool).self) {
                head = ReplicaHead(origin: origin, seq: seq, hash: Array(hash), epoch: epoch, quarantined: quarantined)
            }
            guard let head else { throw StoreError.corruptRow("replica_heads has no row for \(origin)") }
            // Read after the head's lock: a takeover recorded here holds that row, so it is seen.
            var cutoff: ReplicaHead.Cutoff?
            for try await (seq, epoch) in try await conn.guardedQuery(
                """
                SELECT takeover_seq, epoch FROM region_state
                WHERE region = \(origin) AND state = 'taken_over' AND mode = 'failover' AND takeover_seq IS NOT NULL
                """, logger: database.logger
            ).decode((Int64, Int64).self) {
                cutoff = ReplicaHead.Cutoff(seq: seq, epoch: epoch)
            }
            return try await body(ReplicaTransaction(head: head, cutoff: cutoff, conn: conn, logger: database.logger))
        }
    }

    /// Quarantines `origin` on this region (after a divergence): nothing more is applied from it.
    /// `evidence` (the divergent seq and the refused batch's wire form, its signature verified)
    /// is kept in `divergent_batches` in the same transaction.
    public func quarantine(origin: String, reason: String, evidence: (seq: Int64, batch: [UInt8])? = nil) async throws {
        return try await database.transaction("quarantine \(origin)") { conn in
            if let evidence {
                try await conn.guardedQuery(
                    """
                    INSERT INTO divergent_batches (origin, seq, batch, detail)
                    VALUES (\(origin), \(evidence.seq), \(Data(evidence.batch)), \(reason))
                    """, logger: database.logger)
            }
            try await conn.guardedQuery(
                """
                INSERT INTO replica_heads (origin, hash, quarantined, quarantine_reason)
                VALUES (\(origin), \(Data(LedgerEntry.genesisPrevHash)), true, \(reason))
                ON CONFLICT (origin) DO UPDATE SET quarantined = true, quarantine_reason = \(reason), updated_at = clock_timestamp()
                """, logger: database.logger)
        }
    }

    /// Every origin's replica head, with the quarantine reason when quarantined and the time
    /// the head's entry was committed at its origin (nil at genesis).
    public func heads() async throws -> [(head: ReplicaHead, reason: String?, committedAt: Timestamp?)] {
        return try await database.operation("read the replica heads") { conn in
            var out: [(ReplicaHead, String?, Timestamp?)] = []
            for try await (origin, seq, hash, epoch, quarantined, reason, micros) in try await conn.guardedQuery(
                """
                SELECT h.origin, h.seq, h.hash, h.epoch, h.quarantined, h.quarantine_reason,
                    \(unescaped: SQL.micros("l.committed_at", as: "committed_at"))
                FROM replica_heads h LEFT JOIN replica_ledger l ON l.origin = h.origin AND l.seq = h.seq ORDER BY h.origin
                """,
                logger: database.logger
            ).decode((String, Int64, Data, Int64, Bool, String?, Int64?).self) {
                out.append((
                    ReplicaHead(origin: origin, seq: seq, hash: Array(hash), epoch: epoch, quarantined: quarantined), reason,
                    micros.map(Timestamp.init(microseconds:))
                ))
            }
            return out
        }
    }

    /// Calls `body` with every replica entry of `origin` in seq order (streaming), from seq
    /// `first` through `last`.
    public func forEachEntry(
        origin: String, from first: Int64 = 1, through last: Int64 = .max, _ body: (LedgerEntry, String) async throws -> Void
    ) async throws {
        return try await database.operation("read the replica of \(origin)") { conn in
            let rows = try await conn.guardedQuery(
                """
                SELECT seq, kind, subject, body, \(unescaped: SQL.micros("committed_at", as: "committed_at")), epoch, prev_hash, hash
                FROM replica_ledger WHERE origin = \(origin) AND seq BETWEEN \(first) AND \(last) ORDER BY seq
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

/// A batch header as a receiver kept it (`replica_batches`): the canonical JSON bytes of the
/// header and the origin's signature over them.
public struct StoredBatchHeader: Sendable, Equatable {
    public var header: [UInt8]
    public var signature: [UInt8]

    /// Creates a stored header.
    public init(header: [UInt8], signature: [UInt8]) {
        self.header = header
        self.signature = signature
    }
}

extension ReplicaStore {
    /// The signed headers kept for `origin`'s batches that overlap seqs `first…last`, by
    /// `(first_seq, last_seq)`: the origin's own statements about its chain (evidence).
    public func signedHeaders(origin: String, from first: Int64, through last: Int64) async throws -> [StoredBatchHeader] {
        return try await database.operation("read the batch headers of \(origin)") { conn in
            var out: [StoredBatchHeader] = []
            for try await (header, signature) in try await conn.guardedQuery(
                """
                SELECT header, signature FROM replica_batches
                WHERE origin = \(origin) AND last_seq >= \(first) AND first_seq <= \(last) ORDER BY first_seq, last_seq
                """, logger: database.logger
            ).decode((Data, Data).self) {
                out.append(StoredBatchHeader(header: Array(header), signature: Array(signature)))
            }
            return out
        }
    }
}

/// One replica transaction of an origin, its head row locked: read what is held, append a batch.
public struct ReplicaTransaction: Sendable {
    /// The origin's replica head at the start of the transaction.
    public let head: ReplicaHead
    /// Set while the origin is taken over after a forced failover (see `ReplicaHead.decide`).
    public let cutoff: ReplicaHead.Cutoff?
    let conn: PostgresConnection
    let logger: Logger

    /// The hashes held for seqs `first…last` of the origin's replica.
    public func hashes(from first: Int64, through last: Int64) async throws -> [Int64: [UInt8]] {
        var held: [Int64: [UInt8]] = [:]
        guard first <= last else { return held }
        for try await (seq, hash) in try await conn.guardedQuery(
            "SELECT seq, hash FROM replica_ledger WHERE origin = \(head.origin) AND seq BETWEEN \(first) AND \(last)", logger: logger
        ).decode((Int64, Data).self) {
            held[seq] = Array(hash)
        }
        return held
    }

    /// Copies `records` into the replica ledger (a region-control entry's trigger folds it into
    /// the region states as it is inserted). Bodies and hashes go as bytea arrays: hex text of
    /// every body was two thirds of a receiver's CPU while catching up.
    private func insert(_ records: ArraySlice<Batch.Record>, batchNo: Int64) async throws {
        let entries = records.map(\.entry)
        try await conn.guardedQuery(
            """
            INSERT INTO replica_ledger (origin, seq, kind, subject, body, committed_at, epoch, prev_hash, hash, batch_no)
            SELECT \(head.origin), e.seq, e.kind, e.subject, e.body,
                'epoch'::timestamptz + e.micros * interval '1 microsecond', e.epoch, e.prev_hash, e.hash, \(batchNo)
            FROM unnest(\(entries.map(\.seq)), \(entries.map(\.kind.rawValue)), \(records.map(\.subject)),
                \(entries.map { ByteBuffer(bytes: $0.body) }), \(entries.map(\.committedAt.microseconds)), \(entries.map(\.epoch)),
                \(entries.map { ByteBuffer(bytes: $0.prevHash) }), \(entries.map { ByteBuffer(bytes: $0.hash) }))
                AS e(seq, kind, subject, body, micros, epoch, prev_hash, hash)
            """, logger: logger)
    }

    /// Stores `batch.records[from...]` (checked records that follow the head), materialises them
    /// into the domain tables, keeps the signed header as evidence and advances the head; returns it.
    public func append(_ batch: Batch, from index: Int) async throws -> ReplicaHead {
        let origin = head.origin
        let new = Array(batch.records[index...])
        let entries = new.map(\.entry)
        // In chain order around region-control entries: an execution by a successor is applied
        // under the state before a failback that follows it in the same batch, not after.
        var start = 0
        while start < new.count {
            var end = start
            while end < new.count, new[end].entry.kind != .regionControl { end += 1 }
            let segment = new[start..<max(end, start + 1)]
            try await insert(segment, batchNo: batch.header.batchNo)
            try await ReplicaMaterializer(origin: origin, logger: logger).materialize(segment.map(\.entry), on: conn)
            start = max(end, start + 1)
        }
        try await conn.guardedQuery(
            """
            INSERT INTO replica_batches (origin, first_seq, last_seq, batch_no, header, signature)
            VALUES (\(origin), \(batch.header.firstSeq), \(batch.header.lastSeq), \(batch.header.batchNo),
                \(Data(CanonicalJSON.bytes(batch.header.json))), \(Data(batch.signature)))
            ON CONFLICT DO NOTHING
            """, logger: logger)
        let last = entries[entries.count - 1]
        try await conn.guardedQuery(
            """
            UPDATE replica_heads SET seq = \(last.seq), hash = \(Data(last.hash)),
                epoch = greatest(epoch, \(batch.header.epoch)), updated_at = clock_timestamp()
            WHERE origin = \(origin)
            """, logger: logger)
        var advanced = head
        advanced.seq = last.seq
        advanced.hash = last.hash
        advanced.epoch = max(head.epoch, batch.header.epoch)
        return advanced
    }
}
