import PostgresNIO

/// The restart guard of migration 0009: after every restart of the database server, the
/// region's new manifests, seals and executions are refused until relay-dr has checked with its
/// peers that no other region took this one over while it was away, and recorded it here.
public struct RejoinStore: Sendable {
    let database: Database

    /// Creates a store on `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Whether `region`'s writes wait for a confirmation: the server started after the last one,
    /// or there never was one (then nothing is refused yet: the guard starts with the first).
    public func awaitsConfirmation(region: String) async throws -> Bool {
        try await database.operation("read the restart guard") { conn in
            let rows = try await conn.guardedQuery(
                """
                SELECT coalesce((SELECT confirmed_at < pg_postmaster_start_time() FROM region_rejoin WHERE region = \(region)), true)
                """, logger: database.logger)
            for try await waiting in rows.decode(Bool.self) { return waiting }
            return true
        }
    }

    /// Records that relay-dr confirmed `region` may write (its writes pass again), and why.
    public func confirm(region: String, basis: String) async throws {
        try await database.operation("confirm the restart guard") { conn in
            try await conn.guardedQuery(
                """
                INSERT INTO region_rejoin (region, confirmed_at, basis) VALUES (\(region), clock_timestamp(), \(basis))
                ON CONFLICT (region) DO UPDATE SET confirmed_at = EXCLUDED.confirmed_at, basis = EXCLUDED.basis
                """, logger: database.logger)
        }
    }
}
