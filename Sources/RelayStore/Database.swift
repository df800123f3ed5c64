import Logging
import PostgresNIO
import Synchronization

/// A region's PostgreSQL: a connection pool plus the transaction helper every write goes through.
public final class Database: Sendable {
    /// The underlying pool. Must be running (`run()`) before queries complete.
    public let client: PostgresClient
    /// Where it points (for logs; no password).
    public let configuration: DatabaseConfiguration
    package let logger: Logger
    private let inFlight = Atomic<Int>(0)

    /// Database operations in flight (transactions, store queries, pings). postgres-nio exposes no
    /// pool statistics; every operation holds at most one pooled connection at a time, so this is
    /// an upper bound of the connections leased through this `Database`.
    public var operationsInFlight: Int {
        inFlight.load(ordering: .relaxed)
    }

    /// Counts one operation in `operationsInFlight`; every store operation starts with
    /// `database.operationBegan(); defer { database.operationEnded() }`.
    func operationBegan() {
        inFlight.add(1, ordering: .relaxed)
    }

    /// Ends an operation counted by `operationBegan()`.
    func operationEnded() {
        inFlight.subtract(1, ordering: .relaxed)
    }

    /// Creates the pool (it connects lazily once `run()` is active).
    public init(configuration: DatabaseConfiguration, logger: Logger) {
        var options = PostgresClient.Configuration.Options()
        options.maximumConnections = configuration.maxConnections
        options.additionalStartupParameters = [("application_name", configuration.applicationName)]
        let config = PostgresClient.Configuration(
            host: configuration.host, port: configuration.port, username: configuration.username,
            password: configuration.password, database: configuration.database, tls: configuration.clientTLS)
        var pgConfig = config
        pgConfig.options = options
        self.client = PostgresClient(configuration: pgConfig, backgroundLogger: logger)
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs the pool until the task is cancelled.
    public func run() async {
        await client.run()
    }

    /// Runs one store operation on a pooled connection, counted in `operationsInFlight`. A
    /// database failure is rethrown as a `DatabaseError` naming `purpose`; other errors pass
    /// unchanged. Queries on the connection go through `guardedQuery`, so a connection that
    /// closes under the operation fails it instead of stalling it.
    @discardableResult
    package func operation<T: Sendable>(_ purpose: @autoclosure () -> String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        operationBegan()
        defer { operationEnded() }
        do { return try await client.withConnection { conn in try await body(conn) } } catch {
            throw Self.described(error, purpose: purpose())
        }
    }

    /// Runs `body` in one transaction: COMMIT when it returns, ROLLBACK when it throws. Errors of
    /// the body's own (domain errors) are rethrown unchanged; database failures as a
    /// `DatabaseError` naming `purpose` (its `sqlState` lets callers map states like 23505).
    public func transaction<T: Sendable>(
        _ purpose: @autoclosure () -> String, isolation level: String = "READ COMMITTED", _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await operation(purpose()) { conn in
            try await conn.guardedQuery("BEGIN ISOLATION LEVEL \(unescaped: level)", logger: logger)
            do {
                let value = try await body(conn)
                try await conn.guardedQuery("COMMIT", logger: logger)
                return value
            } catch {
                // A failed ROLLBACK means the connection is broken; the pool discards it.
                _ = try? await conn.guardedQuery("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    static func described(_ error: any Error, purpose: String) -> any Error {
        DatabaseError(purpose: purpose, error) ?? error
    }

    /// True when a trivial query succeeds within `timeout` (health checks must answer even when
    /// the pool is stuck waiting for a connection the server refuses).
    public func ping(timeout: Duration = .seconds(2)) async -> Bool {
        (try? await bounded(timeout) {
            try await self.operation("ping") { conn in
                for try await _ in try await conn.guardedQuery("SELECT 1", logger: self.logger) {}
                return true
            }
        }) ?? false
    }
}

extension Error {
    /// The PostgreSQL SQLSTATE of this error, when it came from the server.
    var sqlState: String? {
        (self as? DatabaseError)?.sqlState ?? (self as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// The fence's refusal (SQLSTATE RL001, migration 0006) as a store error carrying the
    /// database's message (it names the region and its state; no row values).
    var fenceRefusal: StoreError? {
        guard sqlState == "RL001" else { return nil }
        let message = (self as? DatabaseError)?.message ?? (self as? PSQLError)?.serverInfo?[.message]
        return .regionNotActive(message ?? "relay: this region is not active")
    }
}
