import Synchronization

extension Database {
    /// Why `bounded` gave up.
    public struct TimedOut: Error, CustomStringConvertible {
        public let after: Duration
        public var description: String { "the database did not answer within \(after)" }
    }

    /// Runs `body`, giving up after `timeout`: postgres-nio waits for a connection as long as the
    /// server refuses them, and health and metrics endpoints must answer anyway.
    ///
    /// The work runs in a task of its own that is cancelled, not awaited, when time is up: a task
    /// group would wait for a child that does not react to cancellation (a connection lease), and
    /// the caller would hang with it.
    public func bounded<T: Sendable>(_ timeout: Duration = .seconds(2), _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let outcome = FirstOutcome<T>()
        let work = Task { () -> Void in
            do { outcome.settle(.success(try await body())) } catch { outcome.settle(.failure(error)) }
        }
        let timer = Task {
            try await Task.sleep(for: timeout)
            if outcome.settle(.failure(TimedOut(after: timeout))) { work.cancel() }
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await outcome.value()
        } onCancel: {
            work.cancel()
            outcome.settle(.failure(CancellationError()))
        }
    }
}

/// The first of several racing results, handed to one waiter; later ones are dropped.
final class FirstOutcome<T: Sendable>: Sendable {
    private struct State {
        var result: Result<T, any Error>?
        var waiter: CheckedContinuation<T, any Error>?
    }
    private let state = Mutex(State())

    /// Records `result` unless one was recorded already; true when this one counted.
    @discardableResult
    func settle(_ result: Result<T, any Error>) -> Bool {
        let (counted, waiter) = state.withLock { s -> (Bool, CheckedContinuation<T, any Error>?) in
            guard s.result == nil else { return (false, nil) }
            s.result = result
            defer { s.waiter = nil }
            return (true, s.waiter)
        }
        waiter?.resume(with: result)
        return counted
    }

    /// The first result, once there is one.
    func value() async throws -> T {
        try await withCheckedThrowingContinuation { c in
            let ready: Result<T, any Error>? = state.withLock { s in
                if let r = s.result { return r }
                s.waiter = c
                return nil
            }
            if let ready { c.resume(with: ready) }
        }
    }
}
