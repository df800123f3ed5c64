import RelayCore
import Synchronization

/// A clock that runs with the system clock plus an adjustable offset (tests advance it).
public final class OffsetClock: Sendable {
    private let offset = Mutex<Int64>(0)

    /// Creates a clock with zero offset.
    public init() {}

    /// Moves the clock forward by `seconds`.
    public func advance(seconds: Int64) {
        offset.withLock { $0 += seconds * 1_000_000 }
    }

    /// The `RelayClock` view of this clock.
    public var clock: RelayClock {
        RelayClock { [self] in
            RelayClock.system.now().adding(microseconds: self.offset.withLock { $0 })
        }
    }
}
