import Foundation
import PostgresNIO
import RelayCore

/// The region states a region's database holds (`region_state`), and the one way to change them:
/// a `region_control` entry in this region's ledger, folded into the state by the database in the
/// same transaction (migration 0006), then chained and shipped to every peer like any record.
public struct RegionStateStore: Sendable {
    let database: Database

    /// Creates a store on `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Every region's state as this database sees it (regions never changed have no row).
    public func states() async throws -> [RegionState] {
        try await read(where: nil)
    }

    /// `region`'s state, nil when it was never changed (active at epoch 1).
    public func state(of region: String) async throws -> RegionState? {
        try await read(where: region).first
    }

    /// Writes `control` into `ledgerRegion`'s ledger (this database's own region) and returns the
    /// state it leads to. A fence waits for the region's writes under way and stops every later one.
    /// A takeover records how much of the region's ledger this region holds (`takeoverSeq`),
    /// read with the replica head locked so no batch is applied between the read and the entry.
    @discardableResult
    public func write(_ control: RegionControl, ledgerRegion: String) async throws -> (state: RegionState?, written: RegionControl) {
        var control = control
        try await database.transaction("write \(control.action.rawValue) of \(control.region)") { conn in
            // The region's lock before the insert gives the entry its transaction id (its place
            // in the chain, migration 0005) only once every write under way has committed: those
            // are chained before it, and every later one sees it.
            if control.action != .report {
                try await conn.guardedQuery("SELECT pg_advisory_xact_lock(relay_region_lock_key())", logger: database.logger)
            }
            if control.action == .takeover {
                control.takeoverSeq = 0
                for try await seq in try await conn.guardedQuery(
                    "SELECT seq FROM replica_heads WHERE origin = \(control.region) FOR SHARE", logger: database.logger
                ).decode(Int64.self) {
                    control.takeoverSeq = seq
                }
            }
            let body = Data(CanonicalJSON.bytes(control.body))
            try await conn.guardedQuery(
                """
                INSERT INTO ledger_records (region, kind, subject, body)
                VALUES (\(ledgerRegion), \(LedgerKind.regionControl.rawValue), \(control.controlID), \(body))
                """, logger: database.logger)
        }
        return (try await state(of: control.region), control)
    }

    /// The seq at which this region's chainer linked control entry `controlID`; nil until chained.
    public func chainedSeq(controlID: String, region: String) async throws -> Int64? {
        try await database.operation("find control \(controlID) in the ledger") { conn in
            let rows = try await conn.guardedQuery(
                """
                SELECT l.seq FROM ledger_records r JOIN ledger l ON l.record_id = r.id
                WHERE r.region = \(region) AND r.kind = \(LedgerKind.regionControl.rawValue) AND r.subject = \(controlID)
                """, logger: database.logger)
            for try await seq in rows.decode(Int64.self) { return seq }
            return nil
        }
    }

    /// Every region_control entry this region holds (its own ledger's and its replicas'), with
    /// the ledger that recorded it and its seq there (nil while not chained), oldest first.
    public func history() async throws -> [(ledger: String, seq: Int64?, control: RegionControl)] {
        try await database.operation("read region control history") { conn in
            let rows = try await conn.guardedQuery(
                """
                SELECT r.region, l.seq, r.body FROM ledger_records r LEFT JOIN ledger l ON l.record_id = r.id
                WHERE r.kind = \(LedgerKind.regionControl.rawValue)
                UNION ALL
                SELECT origin, seq, body FROM replica_ledger WHERE kind = \(LedgerKind.regionControl.rawValue)
                """, logger: database.logger)
            var out: [(ledger: String, seq: Int64?, control: RegionControl)] = []
            for try await (ledger, seq, body) in rows.decode((String, Int64?, Data).self) {
                let json = try JSONParser.parse(Array(body))
                out.append((ledger, seq, try RegionControl(body: json)))
            }
            return out.sorted { ($0.control.at, $0.control.epoch, $0.control.version) < ($1.control.at, $1.control.epoch, $1.control.version) }
        }
    }

    private func read(where region: String?) async throws -> [RegionState] {
        try await database.operation("read region state") { conn in
            let columns = "region, state, successor, mode, takeover_seq, paused, epoch, version, reason, operator, event_id, " + SQL.micros("since", as: "since")
            let query: PostgresQuery =
                if let region { "SELECT \(unescaped: columns) FROM region_state WHERE region = \(region)" } else {
                    "SELECT \(unescaped: columns) FROM region_state ORDER BY region"
                }
            let rows = try await conn.guardedQuery(query, logger: database.logger)
            var out: [RegionState] = []
            for try await row in rows {
                let r = row.makeRandomAccess()
                let name: String = try r.get("state")
                guard let role = RegionState.Role(name: name, successor: try r.get("successor"), mode: try r.get("mode")) else {
                    throw StoreError.corruptRow("region_state of \(try r.get("region") as String): state \(name) without successor or mode")
                }
                var state = RegionState(
                    region: try r.get("region"), role: role, paused: try r.get("paused"), epoch: try r.get("epoch"),
                    version: try r.get("version"), since: try r.timestamp("since"), reason: try r.get("reason"),
                    operatorName: try r.get("operator"), eventID: try r.get("event_id"))
                state.takeoverSeq = try r.get("takeover_seq")
                out.append(state)
            }
            return out
        }
    }
}
