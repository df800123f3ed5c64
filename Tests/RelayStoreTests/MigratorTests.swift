import Logging
import RelayCore
import RelayLedger
import RelayLocal
@testable import RelayStore
import Testing

struct MigratorTests {
    /// Runs `body` with `count` running pools on one fresh database.
    private func withDatabases<T: Sendable>(
        count: Int, _ body: @Sendable ([Database], PostgresCluster, String) async throws -> T
    ) async throws -> T {
        let cluster = try await SharedCluster.shared.cluster()
        let name = try await SharedCluster.shared.freshDatabase(prefix: "mig")
        var logger = Logger(label: "migrator-test")
        logger.logLevel = .warning
        let dbs = (0..<count).map { _ in
            Database(
                configuration: DatabaseConfiguration(host: cluster.host, port: cluster.port, database: name, username: cluster.superuser, maxConnections: 4),
                logger: logger)
        }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            for db in dbs { group.addTask { await db.run(); return nil } }
            let result = try await body(dbs, cluster, name)
            group.cancelAll()
            return result
        }
    }

    @Test func migrationsApplyOnceAndAreIdempotent() async throws {
        try await withDatabases(count: 1) { dbs, cluster, name in
            let all = try Migration.bundled().map(\.version)
            #expect(!all.isEmpty)
            #expect(try await Migrator(database: dbs[0]).migrate() == all)
            #expect(try await Migrator(database: dbs[0]).migrate() == [])
            let rows = try await cluster.psql("SELECT count(*) FROM schema_migrations", database: name)
            #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "\(all.count)")
        }
    }

    @Test func twoConcurrentStartupsApplyEachMigrationExactlyOnce() async throws {
        try await withDatabases(count: 2) { dbs, cluster, name in
            let all = try Migration.bundled().map(\.version)
            async let a = Migrator(database: dbs[0]).migrate()
            async let b = Migrator(database: dbs[1]).migrate()
            let (ra, rb) = try await (a, b)
            // One of them did everything, the other nothing — never both.
            #expect(Set(ra).isDisjoint(with: rb))
            #expect((ra + rb).sorted() == all)
            let rows = try await cluster.psql("SELECT count(*) FROM schema_migrations", database: name)
            #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "\(all.count)")
        }
    }

    @Test func anEditedAppliedMigrationStopsStartup() async throws {
        try await withDatabases(count: 1) { dbs, _, _ in
            var migrations = try Migration.bundled()
            try await Migrator(database: dbs[0]).migrate(migrations)
            let first = migrations[0]
            migrations[0] = Migration(version: first.version, name: first.name, sql: first.sql + "\n-- edited")
            await #expect(throws: StoreError.migrationChanged(version: first.version, name: first.name)) {
                try await Migrator(database: dbs[0]).migrate(migrations)
            }
        }
    }

    @Test func aFailingMigrationLeavesNoTrace() async throws {
        try await withDatabases(count: 1) { dbs, cluster, name in
            var migrations = try Migration.bundled()
            migrations.append(Migration(version: 9999, name: "broken", sql: "CREATE TABLE half_done (x int); SELECT * FROM no_such_table;"))
            await #expect(throws: (any Error).self) { try await Migrator(database: dbs[0]).migrate(migrations) }
            let tables = try await cluster.psql("SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'", database: name)
            #expect(tables.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
            let recorded = try await cluster.psql("SELECT count(*) FROM schema_migrations WHERE version = 9999", database: name)
            #expect(recorded.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        }
    }

    @Test func upgradingTo0005KeepsPendingRecordsAndChainsThemOnce() async throws {
        try await withDatabases(count: 1) { dbs, cluster, name in
            let db = dbs[0]
            try await Migrator(database: db).migrate(try Migration.bundled().filter { $0.version <= 4 })
            // Under 0004: three records pending in ledger_pending, written by two transactions.
            for statement in [
                """
                BEGIN;
                WITH r AS (INSERT INTO ledger_records (region, kind, subject, body)
                    VALUES ('u1', 'auth_event', 'a', '{"n":1}'), ('u1', 'auth_event', 'b', '{"n":2}') RETURNING id, region)
                INSERT INTO ledger_pending (id, region) SELECT id, region FROM r;
                COMMIT;
                """,
                """
                WITH r AS (INSERT INTO ledger_records (region, kind, subject, body)
                    VALUES ('u1', 'auth_event', 'c', '{"n":3}') RETURNING id, region)
                INSERT INTO ledger_pending (id, region) SELECT id, region FROM r;
                """,
            ] { _ = try await cluster.psql(statement, database: name) }
            #expect(try await Migrator(database: db).migrate(try Migration.bundled().filter { $0.version <= 5 }) == [5])
            // A record written after the upgrade goes after them.
            _ = try await cluster.psql(
                "INSERT INTO ledger_records (region, kind, subject, body) VALUES ('u1', 'auth_event', 'd', '{\"n\":4}')", database: name)
            // Other tests' transactions on this cluster can hold the horizon back for a moment.
            let store = LedgerStore(database: db)
            let chain = ChainStore(database: db)
            var head = LedgerHead.empty()
            let deadline = ContinuousClock.now + .seconds(90)
            while head.seq < 4, ContinuousClock.now < deadline {
                switch try await chain.step(region: "u1") {
                case .chained(_, let h), .idle(let h): head = h
                case .notLeader: break
                }
                if head.seq < 4 { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(head.seq == 4)
            #expect(try await chain.step(region: "u1") == .idle(head: head))
            let linked = try await cluster.psql(
                "SELECT string_agg(r.subject, ',' ORDER BY l.seq) FROM ledger l JOIN ledger_records r ON r.id = l.record_id", database: name)
            #expect(linked.trimmingCharacters(in: .whitespacesAndNewlines) == "a,b,c,d")
            #expect(try await store.backlog(region: "u1").count == 0)
        }
    }
}

struct SQLScriptTests {
    @Test func splitsOnSemicolonsOutsideQuotesCommentsAndDollarBodies() {
        let script = """
            -- header; with a semicolon
            CREATE TABLE a (x text DEFAULT ';');
            /* block; comment */
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'no; way'; END
            $$;
            CREATE FUNCTION g() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;
            SELECT "odd;name", 'it''s; fine' FROM a;
            -- trailing comment only
            """
        let statements = SQLScript.statements(script)
        #expect(statements.count == 4)
        #expect(statements[0].hasSuffix("DEFAULT ';')"))
        #expect(statements[1].contains("'no; way'; END"))
        #expect(statements[2].hasSuffix("$body$ SELECT 1; $body$"))
        #expect(statements[3] == "SELECT \"odd;name\", 'it''s; fine' FROM a")
    }
}
