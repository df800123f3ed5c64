import Foundation
import PostgresNIO
import RelayCore

/// The shipper's side: durable per-peer cursors, and reading the chain in batches.
public struct ShipperStore: Sendable {
    let database: Database

    /// Creates a store on `database`.
    public init(database: Database) {
        self.database = database
    }

    /// What `peer` acknowledged: seq, hash and the last batch number sent (created at 0 on first use).
    public func cursor(peer: String) async throws -> (seq: Int64, hash: [UInt8], batchNo: Int64) {
        try await database.operation("read the shipping cursor of \(peer)") { conn in
            try await conn.guardedQuery(
                "INSERT INTO ship_cursors (peer, acked_hash) VALUES (\(peer), \(Data(LedgerEntry.genesisPrevHash))) ON CONFLICT DO NOTHING",
                logger: database.logger)
            for try await (seq, hash, batchNo) in try await conn.guardedQuery(
                "SELECT acked_seq, acked_hash, batch_no FROM ship_cursors WHERE peer = \(peer)", logger: database.logger
            ).decode((Int64, Data, Int64).self) {
                return (seq, Array(hash), batchNo)
            }
            throw StoreError.corruptRow("ship_cursors has no row for \(peer)")
        }
    }

    /// Every peer's acknowledged seq, read-only (a peer whose shipper has not started yet is absent).
    public func ackedSeqs() async throws -> [String: Int64] {
        try await database.operation("read the shipping cursors") { conn in
            var out: [String: Int64] = [:]
            for try await (peer, seq) in try await conn.guardedQuery(
                "SELECT peer, acked_seq FROM ship_cursors", logger: database.logger
            ).decode((String, Int64).self) {
                out[peer] = seq
            }
            return out
        }
    }

    /// Records what `peer` acknowledged (it may move back: a peer that lost data asks from earlier).
    public func acknowledge(peer: String, seq: Int64, hash: [UInt8], batchNo: Int64) async throws {
        try await database.operation("move the shipping cursor of \(peer) to seq \(seq)") { conn in
            try await conn.guardedQuery(
                """
                UPDATE ship_cursors SET acked_seq = \(seq), acked_hash = \(Data(hash)), batch_no = \(batchNo),
                    last_error = NULL, updated_at = clock_timestamp()
                WHERE peer = \(peer)
                """, logger: database.logger)
        }
    }

    /// Remembers the last failure shipping to `peer` (for status).
    public func recordError(peer: String, _ message: String) async throws {
        try await database.operation("record the shipping error of \(peer)") { conn in
            try await conn.guardedQuery(
                "UPDATE ship_cursors SET last_error = \(message), updated_at = clock_timestamp() WHERE peer = \(peer)",
                logger: database.logger)
        }
    }

    /// Up to `limit` entries of `region` after `seq` (fewer when `maxBytes` of bodies is reached,
    /// but at least one), with their subjects.
    public func entries(region: String, after seq: Int64, limit: Int, maxBytes: Int) async throws -> [Batch.Record] {
        try await database.operation("read \(region)'s ledger after seq \(seq)") { conn in
            var out: [Batch.Record] = []
            var bytes = 0
            let rows = try await conn.guardedQuery(
                """
                SELECT l.seq, r.kind, r.subject, r.body, \(unescaped: SQL.micros("l.committed_at", as: "committed_at")),
                    l.epoch, l.prev_hash, l.hash
                FROM ledger l JOIN ledger_records r ON r.id = l.record_id
                WHERE l.region = \(region) AND l.seq > \(seq) ORDER BY l.seq LIMIT \(Int64(limit))
                """, logger: database.logger)
            for try await (s, kind, subject, body, micros, epoch, prev, hash) in rows.decode(
                (Int64, String, String, Data, Int64, Int64, Data, Data).self)
            {
                guard let k = LedgerKind(rawValue: kind) else { throw StoreError.corruptRow("ledger \(region) seq \(s): kind '\(kind)'") }
                if !out.isEmpty, bytes + body.count > maxBytes { break }
                bytes += body.count
                out.append(
                    Batch.Record(
                        entry: LedgerEntry(
                            region: region, seq: s, kind: k, body: Array(body), committedAt: Timestamp(microseconds: micros),
                            epoch: epoch, prevHash: Array(prev), hash: Array(hash)),
                        subject: subject))
            }
            return out
        }
    }

    /// The hash of `region`'s entry `seq` (genesis zeros for 0); nil when there is no such entry.
    public func hash(region: String, seq: Int64) async throws -> [UInt8]? {
        guard seq > 0 else { return LedgerEntry.genesisPrevHash }
        return try await database.operation("read the hash of \(region)'s seq \(seq)") { conn in
            for try await (hash) in try await conn.guardedQuery(
                "SELECT hash FROM ledger WHERE region = \(region) AND seq = \(seq)", logger: database.logger
            ).decode(Data.self) {
                return Array(hash)
            }
            return nil
        }
    }

    /// When `region`'s entry `seq` was committed (origin clock); nil when there is no such entry.
    public func committedAt(region: String, seq: Int64) async throws -> Timestamp? {
        try await database.operation("read the commit time of \(region)'s seq \(seq)") { conn in
            for try await (micros) in try await conn.guardedQuery(
                "SELECT \(unescaped: SQL.micros("committed_at", as: "c")) FROM ledger WHERE region = \(region) AND seq = \(seq)",
                logger: database.logger
            ).decode(Int64.self) {
                return Timestamp(microseconds: micros)
            }
            return nil
        }
    }

    /// Stores one RPO sample per peer, with what the shipper did since the previous sample.
    public func recordLag(origin: String, samples: [LagSampleRow]) async throws {
        guard !samples.isEmpty else { return }
        let refused = samples.map { row in
            CanonicalJSON.string(.object(row.shipping.refused.mapValues { .number(Double($0)) }))
        }
        try await database.operation("store lag samples") { conn in
            try await conn.guardedQuery(
                """
                INSERT INTO lag_samples (origin, peer, lag_records, lag_seconds, batches_shipped, records_shipped, batches_refused)
                SELECT \(origin), p, r, s, b, n, f::jsonb
                FROM unnest(\(samples.map(\.peer)), \(samples.map(\.records)), \(samples.map(\.seconds)),
                            \(samples.map(\.shipping.batches)), \(samples.map(\.shipping.records)), \(refused)) AS u(p, r, s, b, n, f)
                """, logger: database.logger)
        }
    }
}
