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
}
