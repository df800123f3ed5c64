import RelayCore
import Testing

struct RegionStateTests {
    let at = Timestamp(microseconds: 1_800_000_000_000_000)

    func next(_ state: RegionState, _ action: RegionControl.Action, successor: String? = nil, mode: TakeoverMode? = nil) throws -> RegionControl {
        try state.next(action, successor: successor, mode: mode, controlID: "c-\(state.version + 1)", eventID: "e1", operatorName: "sre", reason: "test", at: at)
    }

    @Test func aSwitchoverFencesThenTakesOverAtTheNextEpoch() throws {
        var a = RegionState(region: "a")
        let fence = try next(a, .fence)
        #expect(fence.epoch == 1 && fence.version == 1)
        a = a.applying(fence)
        #expect(a.role == .fenced)
        let takeover = try next(a, .takeover, successor: "b", mode: .switchover)
        #expect(takeover.epoch == 2 && takeover.version == 2)
        a = a.applying(takeover)
        #expect(a.role == .takenOver(by: "b", mode: .switchover))
        #expect(a.epoch == 2 && a.eventID == "e1" && a.operatorName == "sre")
        let failback = try next(a, .failback)
        #expect(failback.epoch == 3)
        #expect(a.applying(failback).role == .active)
    }

    @Test func transitionsThatMakeNoSenseAreRefusedWithTheReason() throws {
        let active = RegionState(region: "a")
        let fenced = active.applying(try next(active, .fence))
        let taken = fenced.applying(try next(fenced, .takeover, successor: "b", mode: .switchover))
        let refusals: [(RegionState, RegionControl.Action, String?, TakeoverMode?, String)] = [
            (fenced, .fence, nil, nil, "not active"),
            (active, .unfence, nil, nil, "nothing to unfence"),
            (active, .takeover, "b", .switchover, "fence and drain"),
            (taken, .takeover, "c", .failover, "already taken over by b"),
            (active, .failback, nil, nil, "nothing to fail back"),
            (fenced, .takeover, nil, .switchover, "names another region"),
            (fenced, .takeover, "a", .switchover, "names another region"),
            (active, .resume, nil, nil, "not paused"),
        ]
        for (state, action, successor, mode, reason) in refusals {
            #expect(throws: RegionControlRefusal.self, "\(action) from \(state.role)") {
                _ = try next(state, action, successor: successor, mode: mode)
            }
            do { _ = try next(state, action, successor: successor, mode: mode) } catch let error as RegionControlRefusal { #expect(error.reason.contains(reason), "\(error.reason)") } catch {}
        }
    }

    @Test func aForcedFailoverTakesOverAnActiveRegion() throws {
        let a = RegionState(region: "a")
        let takeover = try next(a, .takeover, successor: "b", mode: .failover)
        #expect(a.applying(takeover).role == .takenOver(by: "b", mode: .failover))
        #expect(takeover.epoch == 2)
    }

    @Test func pauseIsAFlagBesideTheRole() throws {
        var a = RegionState(region: "a")
        a = a.applying(try next(a, .pause))
        #expect(a.paused && a.role == .active)
        #expect(throws: RegionControlRefusal.self) { _ = try next(a, .pause) }
        a = a.applying(try next(a, .fence))
        a = a.applying(try next(a, .resume))
        #expect(!a.paused && a.role == .fenced)
    }

    @Test func oldOrRepeatedEntriesChangeNothingSoEveryOrderOfArrivalConverges() throws {
        var a = RegionState(region: "a")
        var controls: [RegionControl] = []
        for (action, successor, mode) in [
            (RegionControl.Action.pause, nil, nil), (.fence, nil, nil), (.takeover, "b", TakeoverMode.switchover),
            (.resume, nil, nil), (.failback, nil, nil), (.fence, nil, nil), (.unfence, nil, nil),
        ] as [(RegionControl.Action, String?, TakeoverMode?)] {
            let c = try next(a, action, successor: successor, mode: mode)
            controls.append(c)
            a = a.applying(c)
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            // Entries come from several ledgers, in any order, some twice.
            var arrivals = controls + controls.filter { _ in Bool.random(using: &generator) }
            arrivals.shuffle(using: &generator)
            let folded = arrivals.reduce(RegionState(region: "a")) { $0.applying($1) }
            #expect(folded.epoch == a.epoch && folded.version == a.version && folded.role == a.role)
        }
        #expect(a.role == .active && a.epoch == 3 && !a.paused)
    }

    @Test func anEntryAboutAnotherRegionIsIgnored() throws {
        let a = RegionState(region: "a")
        let b = RegionState(region: "b")
        #expect(a.applying(try next(b, .fence)) == a)
    }

    /// A region taken over by "b" in a forced failover, its successor holding its ledger up to `seq`.
    func takenOver(holding seq: Int64 = 41) throws -> RegionState {
        let a = RegionState(region: "a")
        var takeover = try next(a, .takeover, successor: "b", mode: .failover)
        takeover.takeoverSeq = seq
        return a.applying(takeover)
    }

    @Test func aReportIsAllowedInEveryRoleAndKeepsEpochAndVersion() throws {
        let active = RegionState(region: "a")
        let fenced = active.applying(try next(active, .fence))
        var paused = active.applying(try next(active, .pause))
        paused = paused.applying(try next(paused, .fence))
        let taken = try takenOver()
        for state in [active, fenced, paused, taken] {
            let report = try next(state, .report)
            #expect(report.action == .report && report.region == "a", "\(state.role)")
            #expect(report.epoch == state.epoch && report.version == state.version, "\(state.role)")
            #expect(report.successor == nil && report.mode == nil, "\(state.role)")
        }
        // Before any change a region is at version 0, and so is a report about it.
        #expect(try next(active, .report).version == 0)
    }

    @Test func applyingAReportChangesNothing() throws {
        let taken = try takenOver()
        for state in [RegionState(region: "a"), taken] {
            #expect(state.applying(try next(state, .report)) == state)
        }
        // Not even a report that claims a newer epoch and version, with other members.
        var report = try next(taken, .report)
        report.epoch = taken.epoch + 5
        report.version = taken.version + 5
        report.successor = "c"
        report.mode = .switchover
        report.takeoverSeq = 99
        report.report = ["rto_seconds": 3]
        #expect(taken.applying(report) == taken)
    }

    @Test func aTakeoverRecordsTheSeqItsSuccessorHeldAndAFailbackClearsIt() throws {
        let taken = try takenOver(holding: 41)
        #expect(taken.takeoverSeq == 41 && taken.role == .takenOver(by: "b", mode: .failover))
        // Maintenance while taken over keeps it.
        let paused = taken.applying(try next(taken, .pause))
        #expect(paused.takeoverSeq == 41 && paused.paused)
        let failedBack = paused.applying(try next(paused, .failback))
        #expect(failedBack.takeoverSeq == nil && failedBack.role == .active && failedBack.epoch == taken.epoch + 1)
        // A takeover re-delivered after the failback is older and brings nothing back.
        var takeover = try next(RegionState(region: "a"), .takeover, successor: "b", mode: .failover)
        takeover.takeoverSeq = 41
        #expect(failedBack.applying(takeover) == failedBack)
    }

    @Test func aSwitchoverTakeoverWithoutASeqRecordsNoneAndAnUnfenceClearsIt() throws {
        let a = RegionState(region: "a")
        let fenced = a.applying(try next(a, .fence))
        #expect(fenced.applying(try next(fenced, .takeover, successor: "b", mode: .switchover)).takeoverSeq == nil)
        var stale = fenced
        stale.takeoverSeq = 7
        #expect(stale.applying(try next(stale, .unfence)).takeoverSeq == nil)
    }
}
