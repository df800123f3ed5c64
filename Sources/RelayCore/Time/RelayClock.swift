import Foundation
import Synchronization

/// Where Relay reads "now". Injected so tests can move time (seal expiry) without sleeping.
public struct RelayClock: Sendable {
    private let read: @Sendable () -> Timestamp

    /// A clock reading `read()`.
    public init(_ read: @escaping @Sendable () -> Timestamp) {
        self.read = read
    }

    /// The current instant, truncated to microseconds.
    public func now() -> Timestamp { read() }

    /// The system clock.
    public static let system = RelayClock {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(microseconds: Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000)
    }
}

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
