import Logging
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
