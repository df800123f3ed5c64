import Synchronization

/// The process-wide rate limiter: a `RateLimitTable` behind a lock, read with an injected clock.
/// State is per process: N gateway replicas admit up to N times the configured rate in total.
public final class RateLimiter: Sendable {
    private let table: Mutex<RateLimitTable>
    private let clock: MonotonicClock

    /// A limiter admitting `rate` requests per second per key, up to `burst` back to back.
    public init(rate: Double, burst: Int, maxKeys: Int = 100_000, clock: MonotonicClock = .system) {
        self.clock = clock
        self.table = Mutex(RateLimitTable(rate: rate, burst: burst, maxKeys: maxKeys, now: clock.now()))
    }

    /// Decides one request of `key` now.
    public func take(key: String) -> TokenBucket.Decision {
        let now = clock.now()
        return table.withLock { $0.take(key: key, at: now) }
    }

    /// Keys currently held (bounded by `maxKeys`).
    public var keyCount: Int {
        table.withLock { $0.buckets.count }
    }
}
