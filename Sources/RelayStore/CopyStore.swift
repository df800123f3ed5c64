import Foundation
import Logging
import PostgresNIO
import RelayCore

/// Read-only views of the copies of every chain this region holds (its own ledger and its
/// replicas of the others), for cross-region verification (`GET /v1/copies`, `relay-dr verify`).
public struct CopyStore: Sendable {
    let database: Database

    /// Creates a store on `database`.
    public init(database: Database) {
        self.database = database
    }

    /// What `region` holds of every origin: its own ledger, then every replica, by origin. The
    /// count and the highest seq come from the tables themselves, not from the recorded heads,
    /// so removed entries show (a tail as `seq < recordedSeq`, a range as `count < seq`).
    /// `origin` restricts the answer to that origin's copy (the continuous check asks for its own).
    public func heads(region: String, origin: String? = nil) async throws -> [CopyHead] {
        return try await database.operation("read the copies held by \(region)") { conn in
            var out: [CopyHead] = []
            if origin == nil || origin == region {
                for try await (seq, count, hash, recorded) in try await conn.guardedQuery(
                    """
                    SELECT s.seq, s.n, (SELECT hash FROM ledger WHERE region = \(region) AND seq = s.seq),
                        coalesce((SELECT seq FROM ledger_heads WHERE region = \(region)), 0)
                    FROM (SELECT coalesce(max(seq), 0) AS seq, count(*) AS n FROM ledger WHERE region = \(region)) s
                    """, logger: database.logger
                ).decode((Int64, Int64, Data?, Int64).self) {
                    out.append(
                        CopyHead(
                            origin: region, holder: region, seq: seq, hash: hash.map(Array.init) ?? LedgerEntry.genesisPrevHash, count: count,
                            recordedSeq: recorded))
                }
            }
            guard origin != region else { return out }
            for try await (held, seq, count, hash, recorded, quarantined) in try await conn.guardedQuery(
                """
                SELECT h.origin, s.seq, s.n, (SELECT hash FROM replica_ledger WHERE origin = h.origin AND seq = s.seq), h.seq, h.quarantined
                FROM replica_heads h
                CROSS JOIN LATERAL (SELECT coalesce(max(seq), 0) AS seq, count(*) AS n FROM replica_ledger WHERE origin = h.origin) s
                WHERE h.origin <> \(region) AND (\(origin ?? "") = '' OR h.origin = \(origin ?? ""))
                ORDER BY h.origin
                """, logger: database.logger
            ).decode((String, Int64, Int64, Data?, Int64, Bool).self) {
                out.append(
                    CopyHead(
                        origin: held, holder: region, seq: seq, hash: hash.map(Array.init) ?? LedgerEntry.genesisPrevHash, count: count,
                        recordedSeq: recorded, quarantined: quarantined))
            }
            return out
        }
    }

    /// `hash_at(seq)` of `origin`'s chain as `region` holds it, with how many of seqs 1…`seq` it holds.
    public func hashAt(origin: String, seq: Int64, region: String) async throws -> CopyHashAt {
        let own = origin == region
        return try await database.operation("read the hash of \(origin)'s seq \(seq) held by \(region)") { conn in
            let rows =
                own
                ? try await conn.guardedQuery(
                    """
                    SELECT (SELECT hash FROM ledger WHERE region = \(origin) AND seq = \(seq)),
                        (SELECT count(*) FROM ledger WHERE region = \(origin) AND seq BETWEEN 1 AND \(seq))
                    """, logger: database.logger)
                : try await conn.guardedQuery(
                    """
                    SELECT (SELECT hash FROM replica_ledger WHERE origin = \(origin) AND seq = \(seq)),
                        (SELECT count(*) FROM replica_ledger WHERE origin = \(origin) AND seq BETWEEN 1 AND \(seq))
                    """, logger: database.logger)
            for try await (hash, held) in rows.decode((Data?, Int64).self) {
                return CopyHashAt(seq: seq, hash: hash.map(Array.init), heldThrough: held)
            }
            return CopyHashAt(seq: seq, hash: nil, heldThrough: 0)
        }
    }
}
