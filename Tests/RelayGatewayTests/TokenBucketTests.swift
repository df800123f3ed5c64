import RelayGateway
import Testing

/// The token bucket's decisions, with no I/O: time is passed in.
struct TokenBucketTests {
    private let t0 = Duration.seconds(1000)

    @Test func aNewBucketAdmitsExactlyTheBurstBackToBack() {
        var bucket = TokenBucket(rate: 2, burst: 3, now: t0)
        #expect(bucket.take(at: t0) == .allowed(remaining: 2))
        #expect(bucket.take(at: t0) == .allowed(remaining: 1))
        #expect(bucket.take(at: t0) == .allowed(remaining: 0))
        #expect(bucket.take(at: t0) == .limited(retryAfter: .milliseconds(500)))
    }

    @Test func anEmptyBucketRefillsOneTokenPerOneOverRate() {
        var bucket = TokenBucket(rate: 2, burst: 1, now: t0)
        #expect(bucket.take(at: t0) == .allowed(remaining: 0))
        #expect(bucket.take(at: t0 + .milliseconds(250)) == .limited(retryAfter: .milliseconds(250)))
        #expect(bucket.take(at: t0 + .milliseconds(500)) == .allowed(remaining: 0))
        #expect(bucket.take(at: t0 + .milliseconds(500)) == .limited(retryAfter: .milliseconds(500)))
        #expect(bucket.take(at: t0 + .seconds(1)) == .allowed(remaining: 0))
    }

    @Test func refusedRequestsTakeNothingSoRecoveryIsNotDelayed() {
        var bucket = TokenBucket(rate: 1, burst: 1, now: t0)
        #expect(bucket.take(at: t0) == .allowed(remaining: 0))
        for ms in stride(from: 0, to: 1000, by: 100) {
            #expect(bucket.take(at: t0 + .milliseconds(ms)) != .allowed(remaining: 0))
        }
        #expect(bucket.take(at: t0 + .seconds(1)) == .allowed(remaining: 0))
    }

    @Test func refillIsCappedAtTheBurst() {
        var bucket = TokenBucket(rate: 4, burst: 3, now: t0)
        for _ in 0..<3 { _ = bucket.take(at: t0) }
        let later = t0 + .seconds(3600)
        #expect(bucket.tokens(at: later) == 3)
        #expect(bucket.take(at: later) == .allowed(remaining: 2))
        #expect(bucket.take(at: later) == .allowed(remaining: 1))
        #expect(bucket.take(at: later) == .allowed(remaining: 0))
        #expect(bucket.take(at: later) == .limited(retryAfter: .milliseconds(250)))
    }

    @Test func partialRefillsAccumulateAcrossRequests() {
        var bucket = TokenBucket(rate: 4, burst: 2, now: t0)
        _ = bucket.take(at: t0)
        _ = bucket.take(at: t0)
        // 0.125 s at 4/s is half a token: refused, and the half is kept.
        #expect(bucket.take(at: t0 + .milliseconds(125)) == .limited(retryAfter: .milliseconds(125)))
        #expect(bucket.tokens(at: t0 + .milliseconds(125)) == 0.5)
        #expect(bucket.take(at: t0 + .milliseconds(250)) == .allowed(remaining: 0))
        // 0.75 s later: 3 tokens earned, capped at 2.
        #expect(bucket.tokens(at: t0 + .seconds(1)) == 2)
    }

    @Test func aSteadyRateAtTheLimitIsAlwaysAdmitted() {
        var bucket = TokenBucket(rate: 100, burst: 1, now: t0)
        for i in 0..<1000 {
            #expect(bucket.take(at: t0 + .milliseconds(10 * i)) == .allowed(remaining: 0), "request \(i)")
        }
    }

    @Test func aRateAboveTheLimitIsAdmittedAtTheLimitAfterTheBurst() {
        // 10/s offered (every 100 ms) to a 5/s bucket with burst 5 for 10 s.
        var bucket = TokenBucket(rate: 5, burst: 5, now: t0)
        var admitted = 0
        for i in 0..<100 {
            if case .allowed = bucket.take(at: t0 + .milliseconds(100 * i)) { admitted += 1 }
        }
        // The burst, plus 5/s over the 9.9 s after the first request.
        #expect(admitted == 5 + 49)
    }

    @Test func aClockReadingBeforeTheLastUpdateRefillsNothing() {
        var bucket = TokenBucket(rate: 1, burst: 1, now: t0)
        #expect(bucket.take(at: t0) == .allowed(remaining: 0))
        #expect(bucket.take(at: t0 - .seconds(5)) == .limited(retryAfter: .seconds(1)))
        #expect(bucket.updatedAt == t0)
        #expect(bucket.take(at: t0 + .seconds(1)) == .allowed(remaining: 0))
    }

    @Test func theBucketIsFullAgainAfterBurstOverRateSeconds() {
        var bucket = TokenBucket(rate: 2, burst: 4, now: t0)
        #expect(bucket.isFull(at: t0))
        _ = bucket.take(at: t0)
        _ = bucket.take(at: t0)
        #expect(!bucket.isFull(at: t0 + .milliseconds(999)))
        #expect(bucket.isFull(at: t0 + .seconds(1)))
    }

    @Test func retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
        #expect(TokenBucket.Decision.allowed(remaining: 3).retryAfterSeconds == nil)
        #expect(TokenBucket.Decision.limited(retryAfter: .milliseconds(1)).retryAfterSeconds == 1)
        #expect(TokenBucket.Decision.limited(retryAfter: .zero).retryAfterSeconds == 1)
        #expect(TokenBucket.Decision.limited(retryAfter: .seconds(1)).retryAfterSeconds == 1)
        #expect(TokenBucket.Decision.limited(retryAfter: .milliseconds(1001)).retryAfterSeconds == 2)
        #expect(TokenBucket.Decision.limited(retryAfter: .milliseconds(2500)).retryAfterSeconds == 3)
    }

    @Test func aSlowRateGivesALongRetryAfter() {
        var bucket = TokenBucket(rate: 0.25, burst: 1, now: t0)
        _ = bucket.take(at: t0)
        let decision = bucket.take(at: t0 + .seconds(1))
        #expect(decision == .limited(retryAfter: .seconds(3)))
        #expect(decision.retryAfterSeconds == 3)
    }
}
