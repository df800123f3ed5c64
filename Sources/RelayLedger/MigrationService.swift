import Logging
import RelayStore
import ServiceLifecycle

/// What every Relay process does before it serves: apply pending migrations once, then open the
/// gate that the chainer and the shippers wait on. Run as a service (processes without an HTTP
/// server), or call `prepare()` before a server starts listening.
public struct MigrationService: Service {
    let database: Database
    let gate: ReadyGate
    let logger: Logger
    let metadata: Logger.Metadata

    /// A service migrating `database` and then opening `gate`; `metadata` is added to its "database ready" line.
    public init(database: Database, gate: ReadyGate, logger: Logger, metadata: Logger.Metadata = [:]) {
        self.database = database
        self.gate = gate
        self.logger = logger
        self.metadata = metadata
    }

    /// Applies the migrations and opens the gate; returns the versions applied.
    @discardableResult
    public func prepare() async throws -> [Int] {
        let applied = try await Migrator(database: database).migrate()
        logger.info(
            "database ready", metadata: metadata.merging(["database": "\(database.configuration)", "migrations_applied": "\(applied)"]) { a, _ in a })
        gate.open()
        return applied
    }

    /// Prepares, then idles until shutdown.
    public func run() async throws {
        try await prepare()
        try? await gracefulShutdown()
    }
}
