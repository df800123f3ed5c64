import RelayCore
import RelayLedger
import Testing

struct ChainerStateMachineTests {
    let head = LedgerHead(seq: 7, hash: Array(repeating: 1, count: 32), epoch: 1)

    func machine() -> ChainerStateMachine {
        ChainerStateMachine(pollInterval: .milliseconds(50), batchLimit: 10, errorBackoff: .seconds(1))
    }

    @Test func aFirstIdleStepLeadsAndPausesForThePollInterval() {
        var m = machine()
        #expect(m.stepped(.idle(head: head)) == .init(pause: .milliseconds(50), note: .leading(headSeq: 7)))
        #expect(m.role == .leading)
        // Leading again is not news.
        #expect(m.stepped(.idle(head: head)) == .init(pause: .milliseconds(50), note: nil))
    }

    @Test func aFullBatchGoesOnAtOnceAndAPartialOnePauses() {
        var m = machine()
        #expect(m.stepped(.chained(count: 10, head: head)).pause == nil)
        #expect(m.stepped(.chained(count: 11, head: head)).pause == nil)
        #expect(m.stepped(.chained(count: 9, head: head)).pause == .milliseconds(50))
    }

    @Test func losingTheLockAfterLeadingIsLoggedOnceAndTakingItBackToo() {
        var m = machine()
        _ = m.stepped(.idle(head: head))
        #expect(m.stepped(.notLeader) == .init(pause: .milliseconds(50), note: .standingBy))
        #expect(m.role == .standingBy)
        #expect(m.stepped(.notLeader) == .init(pause: .milliseconds(50), note: nil))
        #expect(m.stepped(.chained(count: 1, head: head)).note == .leading(headSeq: 7))
    }

    @Test func startingAsStandbySaysNothingUntilItLeads() {
        var m = machine()
        #expect(m.stepped(.notLeader).note == nil)
        #expect(m.role == .standingBy)
    }

    @Test func eachDistinctFailureIsReportedOnceAndASuccessResetsIt() {
        var m = machine()
        #expect(m.failed("db down") == .init(pause: .seconds(1), note: .failed("db down")))
        #expect(m.failed("db down") == .init(pause: .seconds(1), note: nil))
        #expect(m.failed("disk full").note == .failed("disk full"))
        #expect(m.lastError == "disk full")
        _ = m.stepped(.idle(head: head))
        #expect(m.lastError == nil)
        #expect(m.failed("disk full").note == .failed("disk full"))
    }

    @Test func aFailureKeepsTheRole() {
        var m = machine()
        _ = m.stepped(.idle(head: head))
        _ = m.failed("timeout")
        #expect(m.role == .leading)
        #expect(m.stepped(.idle(head: head)).note == nil)
    }
}
