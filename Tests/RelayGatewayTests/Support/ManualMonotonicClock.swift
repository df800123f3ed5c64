import RelayGateway
import Synchronization

/// A monotonic clock that only moves when a test advances it.
final class ManualMonotonicClock: Sendable {
    private let current = Mutex<Duration>(.zero)

    /// Moves the clock forward.
    func advance(by duration: Duration) {
        current.withLock { $0 += duration }
    }

    /// The `MonotonicClock` view of this clock.
    var clock: MonotonicClock {
        MonotonicClock { [self] in current.withLock { $0 } }
    }
}
