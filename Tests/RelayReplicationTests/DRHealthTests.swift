import RelayCore
import RelayReplication
import Testing

struct DRHealthTests {
    func at(_ s: Int64) -> Timestamp { Timestamp(microseconds: 1_800_000_000_000_000 + s * 1_000_000) }

    func health(
        databaseOK: Bool = true, chainerError: String? = nil, peers: [DRHealth.Peer] = [], origins: [DRHealth.Origin] = [], now: Int64 = 100
    ) -> DRHealth {
        DRHealth(databaseOK: databaseOK, chainerError: chainerError, peers: peers, origins: origins, started: at(0), now: at(now), stallAfter: .seconds(30))
    }

    @Test func nothingWrongIsHealthy() {
        let h = health(
            peers: [.init(peer: "r2", waiting: 10, stalledSince: nil, lastError: "timeout")],
            origins: [.init(origin: "r3", lastAccepted: at(90), refusedAt: nil, refusal: nil)])
        #expect(h.status == "healthy" && h.httpStatus == 200 && h.problems.isEmpty)
    }

    @Test func aDatabaseThatDoesNotAnswerIsUnhealthy() {
        let h = health(databaseOK: false)
        #expect(h.status == "unhealthy" && h.httpStatus == 503)
        #expect(h.problems == ["database: no answer within 2 s"])
    }

    @Test func aStalledShipperDegradesWithTheBacklogAndTheLastError() {
        let h = health(peers: [.init(peer: "r2", waiting: 1234, stalledSince: at(55), lastError: "connection refused")])
        #expect(h.status == "degraded" && h.httpStatus == 200)
        #expect(h.problems == [
            "shipping to r2: no acknowledgement for 45 s with 1234 records waiting; last error: connection refused (runbooks/replication-lag.md)"
        ])
    }

    @Test func anOriginRefusedForLongerThanTheThresholdDegrades() {
        let refused = DRHealth.Origin(origin: "r1", lastAccepted: at(40), refusedAt: at(95), refusal: "busy")
        #expect(health(origins: [refused]).problems == ["receiving from r1: nothing accepted for 60 s; last refusal: busy (runbooks/replication-lag.md)"])
        // Refused, but something was accepted within the threshold: not yet a problem.
        #expect(health(origins: [refused], now: 60).problems.isEmpty)
        // Accepted after the refusal: fine.
        #expect(health(origins: [.init(origin: "r1", lastAccepted: at(96), refusedAt: at(95), refusal: "gap")]).problems.isEmpty)
        // Never accepted since the daemon started: counted from the start.
        #expect(health(origins: [.init(origin: "r3", lastAccepted: nil, refusedAt: at(20), refusal: "busy")]).status == "degraded")
    }

    @Test func aFailingChainerDegrades() {
        #expect(health(chainerError: "database unavailable").problems == ["chaining: database unavailable"])
    }
}
