extension Database {
    /// Why `bounded` gave up.
    public struct TimedOut: Error, CustomStringConvertible {
        public let after: Duration
        public var description: String { "the database did not answer within \(after)" }
    }

    /// Runs `body`, giving up after `timeout`: postgres-nio waits for a connection as long as the
    /// server refuses them, and health and metrics endpoints must answer anyway.
    public func bounded<T: Sendable>(_ timeout: Duration = .seconds(2), _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw TimedOut(after: timeout) }
            return value
        }
    }
}
