extension Database {
    /// Runs the pool for the duration of `body` (for commands and tests that are not services).
    public func withRunning<T: Sendable>(_ body: (Database) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.run() }
            defer { group.cancelAll() }
            return try await body(self)
        }
    }
}
