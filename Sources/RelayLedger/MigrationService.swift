import Logging
import RelayCore
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

    /// Applies the migrations and opens the gate; returns the versions applied. A database that
    /// goes away meanwhile (restarted, failed over, connection cut) is waited for and the
    /// migrations are tried again (each runs in its own transaction, so a cut one left nothing);
    /// only a real failure, such as an edited migration, stops start-up.
    @discardableResult
    public func prepare() async throws -> [Int] {
        var delay = Duration.milliseconds(200)
        while true {
            do {
                let applied = try await Migrator(database: database).migrate()
                logger.info(
                    "database ready",
                    metadata: metadata.merging(["database": "\(database.configuration)", "migrations_applied": "\(applied)"]) { a, _ in a })
                gate.open()
                return applied
            } catch let error as DatabaseError where error.isUnavailable {
                logger.warning(
                    "database unavailable while migrating; trying again",
                    metadata: ["error": "\(error)", "retry_in_ms": "\(delay.milliseconds)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    /// Prepares, then idles until shutdown.
    public func run() async throws {
        try await prepare()
        try? await gracefulShutdown()
    }
}
