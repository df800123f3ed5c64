/// Where the rate limiter reads "now": a monotonic instant, as the time elapsed since an
/// arbitrary origin. Injected so tests can move time without sleeping.
public struct MonotonicClock: Sendable {
    private let read: @Sendable () -> Duration

    /// A clock reading `read()`; successive readings must never decrease.
    public init(_ read: @escaping @Sendable () -> Duration) {
        self.read = read
    }

    /// The current instant.
    public func now() -> Duration { read() }

    /// The process's continuous clock (never jumps with wall-clock changes).
    public static let system: MonotonicClock = {
        let origin = ContinuousClock.now
        return MonotonicClock { ContinuousClock.now - origin }
    }()
}
