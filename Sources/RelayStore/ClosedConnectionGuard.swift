import Logging
import PostgresNIO
import Synchronization

/// Every query Relay sends also waits for its connection to close, and fails when it does.
///
/// postgres-nio 1.33 writes a query to its connection's channel without a promise; when the
/// channel has just closed (the server was killed, the pool is shutting down) the write goes
/// nowhere and the query's answer never comes, so the caller — and the pool lease it holds —
/// waits forever. Found by the crash soak: a receiver's apply and a daemon's shutdown hung after
/// PostgreSQL restarts; `ConnectionLossTests` reproduces it without the guard.
///
/// One close callback per connection (not one per query, which would pile up on a long-lived
/// connection): it fails every query still waiting on that connection.
final class ClosedConnectionGuard: Sendable {
    /// The guard every `Database` uses.
    static let shared = ClosedConnectionGuard()

    /// Why a query failed without an answer.
    struct ConnectionClosed: Error, CustomStringConvertible {
        var description: String { "the connection closed before the query was answered" }
    }

    private struct State {
        var nextToken: UInt64 = 0
        /// Per watched connection, the queries waiting on it (how to fail each).
        var waiting: [ObjectIdentifier: [UInt64: @Sendable () -> Void]] = [:]
    }

    private let state = Mutex(State())

    /// `conn.query(query)`, failing with `ConnectionClosed` if the connection closes first.
    func query(_ query: PostgresQuery, on conn: PostgresConnection, logger: Logger) async throws -> PostgresRowSequence {
        try await run(on: conn) { try await conn.query(query, logger: logger) }
    }

    /// `body` (one request on `conn`), failing with `ConnectionClosed` if the connection closes first.
    func run<T: Sendable>(on conn: PostgresConnection, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        if conn.isClosed { throw ConnectionClosed() }
        let outcome = FirstOutcome<T>()
        let work = Task {
            do { outcome.settle(.success(try await body())) } catch { outcome.settle(.failure(error)) }
        }
        let id = ObjectIdentifier(conn)
        let (token, isFirst) = state.withLock { s -> (UInt64, Bool) in
            s.nextToken += 1
            let isFirst = s.waiting[id] == nil
            s.waiting[id, default: [:]][s.nextToken] = { if outcome.settle(.failure(ConnectionClosed())) { work.cancel() } }
            return (s.nextToken, isFirst)
        }
        // Runs at once if the connection is already closed.
        if isFirst { conn.closeFuture.whenComplete { _ in self.closed(id) } }
        defer { state.withLock { s in _ = s.waiting[id]?.removeValue(forKey: token) } }
        return try await withTaskCancellationHandler {
            try await outcome.value()
        } onCancel: {
            // The query itself ignores cancellation; its caller need not.
            outcome.settle(.failure(CancellationError()))
        }
    }

    private func closed(_ id: ObjectIdentifier) {
        let failures = state.withLock { $0.waiting.removeValue(forKey: id) }
        for fail in failures?.values ?? [:].values { fail() }
    }
}

extension PostgresConnection {
    /// `query(_:logger:)` that fails instead of waiting forever when the connection closes under
    /// it (see `ClosedConnectionGuard`). Relay's stores use only this.
    @discardableResult
    package func guardedQuery(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await ClosedConnectionGuard.shared.query(query, on: self, logger: logger)
    }

    /// `execute(_:logger:)` of a prepared statement without rows, guarded like `guardedQuery`.
    package func guardedExecute<Statement: PostgresPreparedStatement>(_ statement: Statement, logger: Logger) async throws
    where Statement.Row == () {
        _ = try await ClosedConnectionGuard.shared.run(on: self) { try await self.execute(statement, logger: logger) }
    }
}
