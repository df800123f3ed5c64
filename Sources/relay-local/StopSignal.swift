import Synchronization

/// SIGINT/SIGTERM caught from the start of a run, so a signal during start-up also tears down.
final class StopSignal: Sendable {
    /// Thrown by ``check()`` once a signal arrived.
    struct Raised: Error {}

    private let raised: Flag
    private let waiter: Task<Void, Never>

    init() {
        let raised = Flag()
        self.raised = raised
        waiter = Task {
            await LocalProcess.waitForTerminationSignal()
            raised.set()
        }
    }

    /// Throws ``Raised`` when a signal arrived.
    func check() throws {
        if raised.isSet { throw Raised() }
    }

    /// Suspends until a signal arrives.
    func wait() async {
        await waiter.value
    }

    private final class Flag: Sendable {
        private let value = Mutex(false)
        var isSet: Bool { value.withLock { $0 } }
        func set() { value.withLock { $0 = true } }
    }
}
