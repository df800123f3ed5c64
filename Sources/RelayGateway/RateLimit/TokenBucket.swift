import RelayCore

/// A token bucket: it holds at most `burst` tokens, gains `rate` tokens per second, and every
/// admitted request takes one. Pure value logic: the caller passes the (monotonic) time, so every
/// decision is reproducible in tests.
public struct TokenBucket: Sendable, Equatable {
    /// What the bucket decided for one request.
    public enum Decision: Sendable, Equatable {
        /// Admitted; `remaining` whole tokens are left.
        case allowed(remaining: Int)
        /// Refused; one token will be available after `retryAfter`.
        case limited(retryAfter: Duration)

        /// The `Retry-After` header value: whole seconds, rounded up, at least 1 (nil when allowed).
        public var retryAfterSeconds: Int? {
            guard case .limited(let wait) = self else { return nil }
            return max(1, Int(wait.inSeconds.rounded(.up)))
        }
    }

    /// Tokens added per second (> 0).
    public let rate: Double
    /// Capacity: the most requests admitted back to back (≥ 1).
    public let burst: Double
    /// Tokens held at `updatedAt`.
    public private(set) var tokens: Double
    /// The instant `tokens` was computed for.
    public private(set) var updatedAt: Duration

    /// Refill arithmetic in binary floating point can land a hair below a whole token (0.01 s at
    /// 100/s); this tolerance keeps such a request from being refused.
    static let tolerance = 1e-9

    /// A full bucket at `now`.
    public init(rate: Double, burst: Int, now: Duration) {
        precondition(rate > 0 && rate.isFinite, "rate must be a positive number")
        precondition(burst >= 1, "burst must be at least 1")
        self.rate = rate
        self.burst = Double(burst)
        self.tokens = Double(burst)
        self.updatedAt = now
    }

    /// Tokens available at `now` (refill since `updatedAt`, capped at `burst`). A `now` earlier
    /// than `updatedAt` refills nothing.
    public func tokens(at now: Duration) -> Double {
        let elapsed = max(0, (now - updatedAt).inSeconds)
        return min(burst, tokens + elapsed * rate)
    }

    /// True when the bucket is full at `now`: it then behaves exactly like a new bucket, so a
    /// table of buckets may forget it without changing any later decision.
    public func isFull(at now: Duration) -> Bool {
        // Exact comparison: refill is capped with `min`, so a full bucket holds exactly `burst`.
        tokens(at: now) >= burst
    }

    /// Decides one request at `now`: takes a token when one is available.
    public mutating func take(at now: Duration) -> Decision {
        let available = tokens(at: now)
        if now > updatedAt { updatedAt = now }
        guard available >= 1 - Self.tolerance else {
            tokens = available
            return .limited(retryAfter: .seconds((1 - available) / rate))
        }
        tokens = max(0, available - 1)
        return .allowed(remaining: Int((tokens + Self.tolerance).rounded(.down)))
    }
}
