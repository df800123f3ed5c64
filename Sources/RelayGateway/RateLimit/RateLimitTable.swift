/// The per-key token buckets of one process, with bounded memory. Pure value logic (the caller
/// passes the time); `RateLimiter` holds one behind a lock.
///
/// Memory: a bucket that has refilled to full behaves exactly like a new one, so sweeping full
/// buckets (every `sweepInterval`, and whenever the table reaches `maxKeys`) forgets nothing. Only
/// when more than `maxKeys` keys are all mid-refill at once are the least recently used buckets
/// dropped (those keys start again with a full burst).
public struct RateLimitTable: Sendable {
    /// Tokens added per second to every bucket.
    public let rate: Double
    /// Bucket capacity.
    public let burst: Int
    /// Most keys held at once.
    public let maxKeys: Int
    /// How often full buckets are swept.
    public let sweepInterval: Duration
    /// The buckets by key.
    public private(set) var buckets: [String: TokenBucket] = [:]
    private var lastSweep: Duration

    /// An empty table at `now`.
    public init(rate: Double, burst: Int, maxKeys: Int = 100_000, sweepInterval: Duration = .seconds(10), now: Duration) {
        precondition(maxKeys >= 1, "maxKeys must be at least 1")
        self.rate = rate
        self.burst = burst
        self.maxKeys = maxKeys
        self.sweepInterval = sweepInterval
        self.lastSweep = now
    }

    /// Decides one request of `key` at `now`.
    public mutating func take(key: String, at now: Duration) -> TokenBucket.Decision {
        if now - lastSweep >= sweepInterval { sweep(at: now) }
        if buckets[key] == nil, buckets.count >= maxKeys {
            sweep(at: now)
            if buckets.count >= maxKeys { evictLeastRecentlyUsed() }
        }
        var bucket = buckets[key] ?? TokenBucket(rate: rate, burst: burst, now: now)
        let decision = bucket.take(at: now)
        buckets[key] = bucket
        return decision
    }

    /// Forgets every bucket that is full at `now` (lossless, see the type's notes).
    public mutating func sweep(at now: Duration) {
        buckets = buckets.filter { !$0.value.isFull(at: now) }
        lastSweep = now
    }

    /// Drops the least recently used tenth of the table (at least one bucket), so that inserts
    /// stay cheap while the table is at its limit.
    private mutating func evictLeastRecentlyUsed() {
        let count = max(1, buckets.count / 10)
        let oldest = buckets.sorted { $0.value.updatedAt < $1.value.updatedAt }.prefix(count)
        for (key, _) in oldest { buckets[key] = nil }
    }
}
