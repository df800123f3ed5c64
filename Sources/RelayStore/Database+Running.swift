extension Database {
    /// Runs `body` while the pool runs (one-shot commands: verify, export), then stops the pool.
    public func withRunning<T: Sendable>(_ body: (Database) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            // The body waits until the pool's task is on its way into `run()`: a lease taken
            // before that makes postgres-nio log a warning a user would take for a fault.
            let (started, starting) = AsyncStream<Void>.makeStream()
            group.addTask {
                starting.finish()
                await self.run()
            }
            for await _ in started {}
            defer { group.cancelAll() }
            return try await body(self)
        }
    }
}
