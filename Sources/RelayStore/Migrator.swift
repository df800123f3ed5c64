import Foundation
import Logging
import PostgresNIO
import RelayCore

/// One versioned SQL file from `Migrations/` (`NNNN_name.sql`).
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String
    /// SHA-256 of the file, recorded so an edited, already-applied migration is caught.
    public var checksum: String { Hex.encode(Digest.sha256(Array(sql.utf8))) }

    /// Creates a migration (tests build broken or edited ones).
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// The migrations bundled with RelayStore, in version order.
    public static func bundled() throws -> [Migration] {
        guard let dir = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw StoreError.migrationsUnavailable("resource folder Migrations missing from the RelayStore bundle")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".sql") }
        return try files.map { file in
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]) else {
                throw StoreError.migrationsUnavailable("file name \(file) is not NNNN_name.sql")
            }
            let sql = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            return Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql)
        }.sorted { $0.version < $1.version }
    }
}

/// Applies migrations in order, each once, under an advisory lock so several gateways starting
/// together on one database never apply the same migration twice.
public struct Migrator: Sendable {
    /// Arbitrary constant identifying Relay's migration lock.
    static let lockKey: Int64 = 0x5245_4c41_594d_4947  // "RELAYMIG"
    let database: Database

    /// Creates a migrator for `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Applies every pending migration; returns the versions it applied (empty when up to date).
    @discardableResult
    public func migrate(_ migrations: [Migration]? = nil) async throws -> [Int] {
        let migrations = try migrations ?? Migration.bundled()
        let logger = database.logger
        return try await database.operation("apply migrations") { conn in
            // Session-level lock on this one connection; released explicitly (or when it closes).
            try await conn.guardedQuery("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                let applied = try await apply(migrations, on: conn, logger: logger)
                try await conn.guardedQuery("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await conn.guardedQuery("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }

    private func apply(_ migrations: [Migration], on conn: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await conn.guardedQuery(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version int PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """, logger: logger)
        var done: [Int: String] = [:]
        for try await (version, checksum) in try await conn.guardedQuery(
            "SELECT version, checksum FROM schema_migrations", logger: logger
        ).decode((Int, String).self) {
            done[version] = checksum
        }
        var applied: [Int] = []
        for m in migrations {
            if let checksum = done[m.version] {
                guard checksum == m.checksum else { throw StoreError.migrationChanged(version: m.version, name: m.name) }
                continue
            }
            logger.info("applying migration", metadata: ["version": "\(m.version)", "name": "\(m.name)"])
            try await conn.guardedQuery("BEGIN", logger: logger)
            do {
                for statement in SQLScript.statements(m.sql) {
                    try await conn.guardedQuery(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await conn.guardedQuery(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (\(m.version), \(m.name), \(m.checksum))",
                    logger: logger)
                try await conn.guardedQuery("COMMIT", logger: logger)
            } catch {
                _ = try? await conn.guardedQuery("ROLLBACK", logger: logger)
                throw error
            }
            applied.append(m.version)
        }
        return applied
    }
}
