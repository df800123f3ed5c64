import RelayCore
@testable import RelayReplication
import Testing

/// Every decision of the receiver's admission, with no database, network or sleeping.
struct ReceiverAdmissionTests {
    typealias A = ReceiverAdmission
    let t0 = ContinuousClock.now

    func admission() -> A { A(turnWait: .seconds(5), reorderWait: .seconds(2)) }
    func shape(_ first: Int64, _ last: Int64) -> A.Shape { A.Shape(firstSeq: first, lastSeq: last, headHash: [UInt8(truncatingIfNeeded: last)]) }
    func at(_ ms: Int) -> ContinuousClock.Instant { t0 + .milliseconds(ms) }
    let a = A.Ticket(1), b = A.Ticket(2), c = A.Ticket(3), d = A.Ticket(4)

    @Test func theFirstBatchOfAnOriginIsAppliedAtOnce() {
        var m = admission()
        #expect(m.arrived(a, origin: "r1", shape: shape(1, 10), now: at(0)) == .apply)
        // Origins do not wait for each other.
        #expect(m.arrived(b, origin: "r3", shape: shape(1, 10), now: at(0)) == .apply)
    }

    @Test func aSecondBatchOfTheSameOriginWaitsForItsTurnInMemory() {
        var m = admission()
        _ = m.arrived(a, origin: "r1", shape: shape(1, 10), now: at(0))
        #expect(m.arrived(b, origin: "r1", shape: shape(11, 20), now: at(100)) == .wait(deadline: at(5100)))
        #expect(m.inProgress("r1") == 2)
        let steps = m.finished(a, outcome: .held(headSeq: 10), now: at(300))
        #expect(steps.map(\.0) == [b] && steps.map(\.1) == [.apply])
        #expect(m.held("r1") == 10)
    }

    @Test func anIdenticalBatchJoinsTheOneBeingAppliedAndSharesItsOutcome() {
        var m = admission()
        _ = m.arrived(a, origin: "r1", shape: shape(1, 10), now: at(0))
        #expect(m.arrived(b, origin: "r1", shape: shape(1, 10), now: at(10)) == .join)
        #expect(m.arrived(c, origin: "r1", shape: shape(1, 10), now: at(20)) == .join)
        let steps = m.finished(a, outcome: .held(headSeq: 10), now: at(50))
        #expect(steps.map(\.0) == [b, c] && steps.allSatisfy { $0.1 == .share })
        #expect(m.inProgress("r1") == 0)
    }

    @Test func aRefusalIsSharedWithTheTwinsToo() {
        var m = admission()
        _ = m.arrived(a, origin: "r1", shape: shape(1, 10), now: at(0))
        _ = m.arrived(b, origin: "r1", shape: shape(1, 10), now: at(10))
        let steps = m.finished(a, outcome: .other, now: at(50))
        #expect(steps.map(\.0) == [b] && steps.map(\.1) == [.share])
    }

    @Test func waitingTwinsOfTheNextBatchJoinIt() {
        var m = admission()
        _ = m.arrived(a, origin: "r1", shape: shape(1, 10), now: at(0))
        _ = m.arrived(b, origin: "r1", shape: shape(11, 20), now: at(10))
        _ = m.arrived(c, origin: "r1", shape: shape(11, 20), now: at(20))
        let steps = m.finished(a, outcome: .held(headSeq: 10), now: at(50))
        #expect(steps.map(\.0) == [b] && steps.map(\.1) == [.apply])
        #expect(m.expired(c) == nil, "c joined b and no longer waits for a turn")
        #expect(m.finished(b, outcome: .held(headSeq: 20), now: at(80)).map(\.1) == [.share])
    }

    @Test func aTurnThatDoesNotComeInTimeIsBusy() {
        var m = admission()
        _ = m.arrived(a, origin: "r1", shape: shape(1, 10), now: at(0))
        _ = m.arrived(b, origin: "r1", shape: shape(11, 20), now: at(10))
        #expect(m.expired(b) == .busy)
        #expect(m.expired(b) == nil)
        #expect(m.finished(a, outcome: .held(headSeq: 10), now: at(6000)).isEmpty)
    }

    @Test func aBatchThatOvertookItsPredecessorWaitsForItThenGoes() {
        var m = admission()
        // b (11…20) arrives first and is tried: gap.
        #expect(m.arrived(b, origin: "r1", shape: shape(11, 20), now: at(0)) == .apply)
        #expect(m.finished(b, outcome: .gap(expectedSeq: 1), now: at(30)).map(\.1) == [.wait(deadline: at(2000))])
        // a (1…10) arrives, the turn is free: applied; then b goes.
        #expect(m.arrived(a, origin: "r1", shape: shape(1, 10), now: at(40)) == .apply)
        let steps = m.finished(a, outcome: .held(headSeq: 10), now: at(90))
        #expect(steps.map(\.0) == [b] && steps.map(\.1) == [.apply])
    }

    @Test func aWaitingBatchDoesNotGoBeforeItsPredecessorIsHeld() {
        var m = admission()
        _ = m.arrived(c, origin: "r1", shape: shape(21, 30), now: at(0))
        _ = m.finished(c, outcome: .gap(expectedSeq: 1), now: at(10))
        _ = m.arrived(a, origin: "r1", shape: shape(1, 10), now: at(20))
        // a ends at 10; c needs 20: not yet.
        #expect(m.finished(a, outcome: .held(headSeq: 10), now: at(50)).isEmpty)
        _ = m.arrived(b, origin: "r1", shape: shape(11, 20), now: at(60))
        #expect(m.finished(b, outcome: .held(headSeq: 20), now: at(90)).map(\.0) == [c])
    }

    @Test func aPredecessorThatNeverComesIsAGapAtTheDeadlineCountedFromArrival() {
        var m = admission()
        _ = m.arrived(b, origin: "r1", shape: shape(11, 20), now: at(0))
        _ = m.finished(b, outcome: .gap(expectedSeq: 4), now: at(500))
        #expect(m.expired(b) == .gap(expectedSeq: 4))
        // Retried after a wake, it keeps its first deadline.
        var n = admission()
        _ = n.arrived(c, origin: "r1", shape: shape(21, 30), now: at(0))
        _ = n.finished(c, outcome: .gap(expectedSeq: 11), now: at(100))
        _ = n.arrived(b, origin: "r1", shape: shape(11, 15), now: at(200))
        let steps = n.finished(b, outcome: .held(headSeq: 20), now: at(300))
        #expect(steps.map(\.0) == [c])
        // The database says less is held than admission thought (restored): c waits, from its first deadline.
        #expect(n.finished(c, outcome: .gap(expectedSeq: 18), now: at(400)).map(\.1) == [.wait(deadline: at(2000))])
        #expect(n.held("r1") == 17)
    }

    @Test func aGapFoundAfterTheDeadlineIsAnsweredAtOnce() {
        var m = admission()
        _ = m.arrived(b, origin: "r1", shape: shape(11, 20), now: at(0))
        #expect(m.finished(b, outcome: .gap(expectedSeq: 1), now: at(2500)).map(\.1) == [.gap(expectedSeq: 1)])
        #expect(m.inProgress("r1") == 0)
    }

    @Test func twinsOfABatchThatGappedWaitWithIt() {
        var m = admission()
        _ = m.arrived(b, origin: "r1", shape: shape(11, 20), now: at(0))
        _ = m.arrived(c, origin: "r1", shape: shape(11, 20), now: at(10))
        let steps = m.finished(b, outcome: .gap(expectedSeq: 1), now: at(20))
        #expect(Set(steps.map(\.0)) == [b, c] && steps.allSatisfy { $0.1 == .wait(deadline: at(2000)) })
        _ = m.arrived(a, origin: "r1", shape: shape(1, 10), now: at(30))
        let next = m.finished(a, outcome: .held(headSeq: 10), now: at(40))
        #expect(next.map(\.1) == [.apply])
        let runner = next[0].0
        let twin = runner == b ? c : b
        #expect(m.finished(runner, outcome: .held(headSeq: 20), now: at(60)).map { $0.0 } == [twin])
    }

    @Test func aFinishedTicketThatIsNotRunningChangesNothing() {
        var m = admission()
        _ = m.arrived(a, origin: "r1", shape: shape(1, 10), now: at(0))
        _ = m.arrived(b, origin: "r1", shape: shape(11, 20), now: at(10))
        #expect(m.finished(b, outcome: .held(headSeq: 20), now: at(20)).isEmpty)
        #expect(m.finished(d, outcome: .held(headSeq: 20), now: at(20)).isEmpty)
        #expect(m.inProgress("r1") == 2)
    }

    /// Whatever arrives, at most one batch per origin is applied at a time, and every batch
    /// ends (applied, shared, busy or gap) once the runners finish and the deadlines pass.
    @Test(arguments: [11, 12, 13, 14] as [UInt64])
    func aRandomStormNeverRunsTwoAtOnceAndEveryTicketEnds(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var m = admission()
        var running: [A.Ticket] = []
        var waiting: Set<A.Ticket> = []
        var arrived = 0
        var ended = 0
        var head: Int64 = 0
        var now = at(0)
        func finish(_ t: A.Ticket, _ outcome: A.Outcome) {
            if case .held(let seq) = outcome { head = max(head, seq) }
            ended += 1
            for (other, step) in m.finished(t, outcome: outcome, now: now) {
                switch step {
                case .apply:
                    waiting.remove(other)
                    running.append(other)
                    if other == t { ended -= 1 }
                case .share, .busy, .gap:
                    waiting.remove(other)
                    if other != t { ended += 1 }
                case .wait:
                    waiting.insert(other)
                    if other == t { ended -= 1 }
                }
            }
        }
        for i in 1...400 {
            now = at(i * 10)
            if running.isEmpty || Bool.random(using: &rng) {
                let first = Int64.random(in: 0...(head / 10 + 3), using: &rng) * 10 + 1
                let t = A.Ticket(UInt64(i))
                arrived += 1
                switch m.arrived(t, origin: "r1", shape: shape(first, first + 9), now: now) {
                case .apply: running.append(t)
                case .join, .wait: waiting.insert(t)
                }
            } else {
                let t = running.removeFirst()
                finish(t, Bool.random(using: &rng) ? .held(headSeq: head + 10) : .gap(expectedSeq: head + 1))
            }
            #expect(running.count <= 1, "one batch of an origin at a time")
        }
        // Drain: runners finish, then every deadline passes.
        now = at(400 * 10 + 10_000)
        while let t = running.first {
            running.removeFirst()
            finish(t, .held(headSeq: head))
        }
        for t in waiting where m.expired(t) != nil {
            waiting.remove(t)
            ended += 1
        }
        while let t = running.first {
            running.removeFirst()
            finish(t, .held(headSeq: head))
        }
        #expect(m.inProgress("r1") == 0)
        #expect(ended == arrived, "seed \(seed): \(arrived) arrived, \(ended) ended, \(waiting.count) still waiting")
    }
}
