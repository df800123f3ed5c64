import Foundation
import Logging
import PostgresNIO
import RelayCore

/// Turns replicated ledger entries back into domain rows (region = origin), one statement per
/// kind, inside the caller's transaction. The statements are generated from the record schemas
/// (`RowWrites`) like the gateway's own writes, so a replica row is the row its origin wrote.
struct ReplicaMaterializer {
    let origin: String
    let logger: Logger

    /// A seal executes at its home, or at the region that took its home over in a switchover
    /// (whose takeover entry precedes its executions in its own ledger, so it is applied first).
    func materialize(_ entries: [LedgerEntry], on conn: PostgresConnection) async throws {
        func bodies(_ kind: LedgerKind) -> [String] {
            entries.filter { $0.kind == kind }.map { String(decoding: $0.body, as: UTF8.self) }
        }
        for kind in [LedgerKind.orgRegistered, .agentRegistered, .manifest, .authEvent] {
            let batch = bodies(kind)
            guard !batch.isEmpty else { continue }
            // Each body is parsed once (MATERIALIZED): inlined, every `->>` would parse it again.
            try await conn.guardedQuery(
                """
                WITH x AS MATERIALIZED (SELECT t::jsonb AS b, \(origin)::text AS region FROM unnest(\(batch)) AS t)\(unescaped: RowWrites.materialization(kind))
                """, logger: logger)
        }
        let executions = bodies(.sealExecuted)
        if !executions.isEmpty {
            let update = RecordUpdate.sealExecution
            var updated: Int64 = 0
            for try await (n) in try await conn.guardedQuery(
                """
                WITH x AS MATERIALIZED (SELECT t::jsonb AS b FROM unnest(\(executions)) AS t),
                u AS (
                    UPDATE seals s SET \(unescaped: update.assignments(from: "x.b"))
                    FROM x
                    WHERE \(unescaped: update.match("s", from: "x.b")) AND NOT s.was_executed
                        AND relay_executes_seals_of(s.region, \(origin))
                    RETURNING 1
                )
                SELECT count(*) FROM u
                """, logger: logger
            ).decode(Int64.self) {
                updated = n
            }
            guard updated == Int64(executions.count) else {
                throw StoreError.corruptRow(
                    "\(executions.count - Int(updated)) seal_executed record(s) from \(origin) name seals this region does not hold unexecuted")
            }
        }
    }
}
