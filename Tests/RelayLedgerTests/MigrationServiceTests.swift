import Logging
import RelayLedger
import RelayLocal
@testable import RelayStore
import Testing

/// What the crash soak found once queries could no longer hang: a relay-dr whose PostgreSQL was
/// killed while it applied its migrations at start-up exited ("connection closed"), and nothing
/// restarted it. Start-up now waits for the database and tries again.
struct MigrationServiceTests {
    static let logger = { var l = Logger(label: "migration-service-test"); l.logLevel = .critical; return l }()

    // Generous limits: the shared cluster may start inside this test on a machine busy with others.
    @Test(.timeLimit(.minutes(5)))
    func aConnectionCutWhileMigratingIsWaitedOutAndTheMigrationsAreAppliedOnce() async throws {
        let cluster = try await SharedCluster.shared.cluster()
        let name = try await SharedCluster.shared.freshDatabase(prefix: "migsvc")
        let db = Database(
            configuration: DatabaseConfiguration(host: cluster.host, port: cluster.port, database: name, username: cluster.superuser, maxConnections: 2),
            logger: Self.logger)
        // Another process (psql) holds the migration lock until the test ends it, so start-up waits on it …
        let holder = Task {
            try? await cluster.psql("SELECT pg_advisory_lock(\(Migrator.lockKey)); SELECT pg_sleep(600);", database: name)
        }
        var held = false
        while !held {
            try await Task.sleep(for: .milliseconds(50))
            held = try await cluster.psql(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = '\(name)')",
                database: name).trimmingCharacters(in: .whitespacesAndNewlines) == "1"
        }
        try await db.withRunning { db in
            let gate = ReadyGate()
            let prepared = Task { try await MigrationService(database: db, gate: gate, logger: Self.logger).prepare() }
            // … and its connection is cut while it waits (as a server restart would).
            var cut = false
            let deadline = ContinuousClock.now + .seconds(120)
            while !cut, ContinuousClock.now < deadline {
                let out = try await cluster.psql(
                    """
                    SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                    WHERE datname = '\(name)' AND application_name <> 'psql'
                      AND query LIKE 'SELECT pg_advisory_lock(%' AND wait_event_type = 'Lock'
                    """, database: name)
                cut = out.trimmingCharacters(in: .whitespacesAndNewlines) == "1"
                if !cut { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(cut, "start-up never waited on the migration lock")
            // … then the holder goes away and start-up, on a new connection, takes the lock.
            _ = try await cluster.psql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)' AND application_name = 'psql' AND query LIKE 'SELECT pg_sleep(%'",
                database: name)
            let applied = try await prepared.value
            #expect(applied == (try Migration.bundled().map(\.version)))
            await gate.wait()  // open: returns at once
        }
        await holder.value
        #expect(try await cluster.psql("SELECT count(*) FROM schema_migrations", database: name).trimmingCharacters(in: .whitespacesAndNewlines)
            == "\(try Migration.bundled().count)")
    }
}
