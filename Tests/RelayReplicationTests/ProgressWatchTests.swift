import RelayCore
import RelayReplication
import Testing

struct ProgressWatchTests {
    func at(_ s: Int64) -> Timestamp { Timestamp(microseconds: 1_800_000_000_000_000 + s * 1_000_000) }

    @Test func recordsWaitingWithTheCursorStandingStillBecomeAStallAfterTheThreshold() {
        var w = ProgressWatch(stallAfter: .seconds(30))
        #expect(w.observe(ackedSeq: 10, waiting: 5, at: at(0)) == nil)
        #expect(w.observe(ackedSeq: 10, waiting: 50, at: at(29)) == nil)
        #expect(w.observe(ackedSeq: 10, waiting: 80, at: at(30)) == .stalled(waiting: 80, since: at(0)))
        #expect(w.stalled)
        // Reported once.
        #expect(w.observe(ackedSeq: 10, waiting: 90, at: at(45)) == nil)
    }

    @Test func aMovingCursorIsNeverAStallHoweverLongTheBacklog() {
        var w = ProgressWatch(stallAfter: .seconds(30))
        for s in stride(from: Int64(0), through: 300, by: 10) {
            #expect(w.observe(ackedSeq: s, waiting: 10_000, at: at(s)) == nil)
        }
        #expect(!w.stalled)
    }

    @Test func anIdlePeerWithNothingToSendIsNeverAStall() {
        var w = ProgressWatch(stallAfter: .seconds(30))
        #expect(w.observe(ackedSeq: 7, waiting: 0, at: at(0)) == nil)
        #expect(w.observe(ackedSeq: 7, waiting: 0, at: at(600)) == nil)
        // Records appear after a long idle spell: the clock starts now, not at the last acknowledgement.
        #expect(w.observe(ackedSeq: 7, waiting: 3, at: at(601)) == nil)
        #expect(w.observe(ackedSeq: 7, waiting: 3, at: at(630)) == nil)
        #expect(w.observe(ackedSeq: 7, waiting: 3, at: at(631)) == .stalled(waiting: 3, since: at(601)))
    }

    @Test func theCursorMovingOrTheBacklogEmptyingEndsAStallOnce() {
        var w = ProgressWatch(stallAfter: .seconds(5))
        _ = w.observe(ackedSeq: 1, waiting: 9, at: at(0))
        _ = w.observe(ackedSeq: 1, waiting: 9, at: at(6))
        #expect(w.observe(ackedSeq: 4, waiting: 6, at: at(7)) == .recovered(since: at(0)))
        #expect(!w.stalled)
        #expect(w.observe(ackedSeq: 5, waiting: 5, at: at(8)) == nil)
        _ = w.observe(ackedSeq: 5, waiting: 5, at: at(20))
        #expect(w.stalled)
        #expect(w.observe(ackedSeq: 5, waiting: 0, at: at(21)) == .recovered(since: at(8)))
    }
}
