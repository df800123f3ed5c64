import RelayGateway
import Testing

/// Per-key buckets and their eviction, with no I/O.
struct RateLimitTableTests {
    private let t0 = Duration.seconds(50)

    @Test func keysHaveIndependentBuckets() {
        var table = RateLimitTable(rate: 1, burst: 2, now: t0)
        #expect(table.take(key: "a", at: t0) == .allowed(remaining: 1))
        #expect(table.take(key: "a", at: t0) == .allowed(remaining: 0))
        #expect(table.take(key: "a", at: t0) == .limited(retryAfter: .seconds(1)))
        #expect(table.take(key: "b", at: t0) == .allowed(remaining: 1))
    }

    @Test func sweepingForgetsOnlyFullBuckets() {
        var table = RateLimitTable(rate: 1, burst: 2, now: t0)
        _ = table.take(key: "idle", at: t0)
        _ = table.take(key: "busy", at: t0 + .seconds(1))
        _ = table.take(key: "busy", at: t0 + .seconds(1))
        // At t0+2s "idle" is full again (1 token + 2 s × 1/s, capped at 2); "busy" has 1.
        table.sweep(at: t0 + .seconds(2))
        #expect(Set(table.buckets.keys) == ["busy"])
    }

    @Test func sweepingChangesNoDecision() {
        // The same requests against a table swept after every request and one never swept.
        var swept = RateLimitTable(rate: 2, burst: 3, now: t0)
        var kept = RateLimitTable(rate: 2, burst: 3, maxKeys: 1000, sweepInterval: .seconds(1_000_000), now: t0)
        let keys = ["a", "b", "c"]
        for step in 0..<400 {
            let now = t0 + .milliseconds(37 * step)
            let key = keys[(step + step / 7) % keys.count]
            #expect(swept.take(key: key, at: now) == kept.take(key: key, at: now), "step \(step)")
            swept.sweep(at: now)
        }
    }

    @Test func fullBucketsAreSweptEverySweepInterval() {
        var table = RateLimitTable(rate: 10, burst: 1, sweepInterval: .seconds(10), now: t0)
        for i in 0..<50 { _ = table.take(key: "k\(i)", at: t0) }
        #expect(table.buckets.count == 50)
        _ = table.take(key: "new", at: t0 + .seconds(9))
        #expect(table.buckets.count == 51)
        _ = table.take(key: "new", at: t0 + .seconds(10))
        #expect(Set(table.buckets.keys) == ["new"])
    }

    @Test func theTableNeverHoldsMoreThanMaxKeys() {
        var table = RateLimitTable(rate: 0.001, burst: 1, maxKeys: 100, now: t0)
        for i in 0..<1000 {
            _ = table.take(key: "ip:\(i)", at: t0 + .milliseconds(i))
            #expect(table.buckets.count <= 100)
        }
        // The most recent keys are kept.
        #expect(table.buckets["ip:999"] != nil)
        #expect(table.buckets["ip:0"] == nil)
    }

    @Test func atTheLimitFullBucketsGoBeforeBusyOnes() {
        var table = RateLimitTable(rate: 1, burst: 1, maxKeys: 3, sweepInterval: .seconds(3600), now: t0)
        _ = table.take(key: "old", at: t0)
        _ = table.take(key: "b", at: t0 + .seconds(5))
        _ = table.take(key: "c", at: t0 + .seconds(5))
        // "old" refilled long ago: the sweep at the limit drops it and keeps b and c.
        _ = table.take(key: "d", at: t0 + .milliseconds(5500))
        #expect(Set(table.buckets.keys) == ["b", "c", "d"])
        #expect(table.take(key: "b", at: t0 + .milliseconds(5500)) == .limited(retryAfter: .milliseconds(500)))
    }

    @Test func keysNameTheAgentWhenAuthenticatedAndTheIPOtherwise() {
        #expect(RateLimitKey.key(principal: Principal(agentID: "agent_1", orgID: "org_1"), clientIP: "10.0.0.1") == "agent:org_1/agent_1")
        #expect(RateLimitKey.key(principal: nil, clientIP: "10.0.0.1") == "ip:10.0.0.1")
        #expect(RateLimitMiddleware.applies(to: "/v1/manifest/validate"))
        #expect(!RateLimitMiddleware.applies(to: "/health"))
        #expect(!RateLimitMiddleware.applies(to: "/metrics"))
        #expect(!RateLimitMiddleware.applies(to: "/v1"))
    }
}
