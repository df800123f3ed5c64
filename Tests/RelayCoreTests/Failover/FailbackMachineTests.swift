import RelayCore
import Testing

/// Every decision of `relay-dr failback`, with no region, hook or clock.
struct FailbackMachineTests {
    typealias M = FailbackMachine

    /// Feeds `events` in order and returns the actions, nil where an event was refused.
    func run(_ events: [M.Event], from start: M = M()) -> (M, [M.Action?]) {
        var machine = start
        let actions = events.map { machine.handle($0) }
        return (machine, actions)
    }

    /// The events that bring a failback to the point where its entry is written.
    let upToTheWrite: [M.Event] = [.start(dryRun: false), .prechecksDone(failures: []), .caughtUp, .hookPassed]

    @Test func aFailbackChecksCatchesUpAsksTheHookWritesWaitsSwitchesRoutingAndChecks() {
        let (machine, actions) = run(upToTheWrite + [.failbackWritten(seq: 57), .applied, .routeChanged, .postCheckDone(failure: nil)])
        #expect(actions == [
            .runPrechecks, .waitForCatchUp, .runPrePromoteHook, .writeFailback, .waitUntilApplied(seq: 57), .runRouteChangeHook,
            .postCheck, .finish(.completed),
        ])
        #expect(machine.state == .finished(.completed))
    }

    @Test func everyStepOnTheWayIsItsOwnState() {
        var machine = M()
        let steps: [(M.Event, M.State)] = [
            (.start(dryRun: false), .prechecking), (.prechecksDone(failures: []), .catchingUp), (.caughtUp, .prePromote),
            (.hookPassed, .writingFailback), (.failbackWritten(seq: 9), .applying(seq: 9)), (.applied, .switchingRoute),
            (.routeChanged, .postChecking), (.postCheckDone(failure: nil), .finished(.completed)),
        ]
        for (event, state) in steps {
            #expect(machine.handle(event) != nil, "\(event)")
            #expect(machine.state == state, "after \(event)")
        }
    }

    @Test func aDryRunStopsAfterThePrechecksWhateverTheyFound() {
        let (clean, actions) = run([.start(dryRun: true), .prechecksDone(failures: [])])
        #expect(actions == [.runPrechecks, .finish(.planned(failures: []))])
        #expect(clean.state == .finished(.planned(failures: [])))
        let (failing, withFailures) = run([.start(dryRun: true), .prechecksDone(failures: ["a is not taken over"])])
        #expect(withFailures.last == .finish(.planned(failures: ["a is not taken over"])))
        #expect(failing.state == .finished(.planned(failures: ["a is not taken over"])))
        #expect(!withFailures.contains(.waitForCatchUp))
    }

    @Test func aFailedPrecheckRefusesBeforeAnythingIsWritten() {
        let (machine, actions) = run([.start(dryRun: false), .prechecksDone(failures: ["a is unreachable"])])
        #expect(actions == [.runPrechecks, .finish(.refused(failures: ["a is unreachable"]))])
        #expect(machine.state == .finished(.refused(failures: ["a is unreachable"])))
        #expect(run([.start(dryRun: false), .stepFailed("b did not answer")]).1.last == .finish(.refused(failures: ["b did not answer"])))
    }

    @Test func aCatchUpThatTimesOutRefusesAndWritesNothing() {
        let (machine, actions) = run([.start(dryRun: false), .prechecksDone(failures: []), .catchUpTimedOut("a applied 40 of 52 in 60 s")])
        #expect(actions.last == .finish(.refused(failures: ["a applied 40 of 52 in 60 s"])))
        #expect(machine.state == .finished(.refused(failures: ["a applied 40 of 52 in 60 s"])))
        #expect(!actions.contains(.writeFailback))
        let unreachable = run([.start(dryRun: false), .prechecksDone(failures: []), .stepFailed("a did not answer")]).1
        #expect(unreachable.last == .finish(.refused(failures: ["a did not answer"])))
    }

    @Test func aFailingPrePromoteHookRefusesAndWritesNothing() {
        let (machine, actions) = run([.start(dryRun: false), .prechecksDone(failures: []), .caughtUp, .hookFailed(output: "exit 1: not yet")])
        let outcome = CoordinatorOutcome.refused(failures: ["the pre_promote hook refused: exit 1: not yet"])
        #expect(actions == [.runPrechecks, .waitForCatchUp, .runPrePromoteHook, .finish(outcome)])
        #expect(!actions.contains(.writeFailback))
        #expect(machine.state == .finished(outcome))
    }

    @Test func aRefusedFailbackIsRefusedButAFailedWriteIsStuck() {
        let (refused, refusal) = run(upToTheWrite + [.failbackRefused("a is active, not taken over")])
        #expect(refusal.last == .finish(.refused(failures: ["a is active, not taken over"])))
        #expect(refused.state == .finished(.refused(failures: ["a is active, not taken over"])))
        let (stuck, failure) = run(upToTheWrite + [.stepFailed("connection reset")])
        guard case .finish(.stuck(let reason)) = failure.last else {
            Issue.record("a failed failback write must end stuck, got \(String(describing: failure.last))")
            return
        }
        #expect(reason.contains("may not have been written") && reason.contains("connection reset"))
        #expect(stuck.state == .finished(.stuck(reason: reason)))
    }

    @Test func aFailbackWrittenButNotAppliedIsStuck() {
        let (machine, actions) = run(upToTheWrite + [.failbackWritten(seq: 57), .stepFailed("a applied up to 55")])
        let outcome = CoordinatorOutcome.stuck(reason: "the failback is written, but the region has not applied it: a applied up to 55")
        #expect(actions.last == .finish(outcome))
        #expect(machine.state == .finished(outcome))
    }

    @Test func afterTheFailbackAFailingRouteHookStillGoesToThePostCheck() {
        let (machine, actions) = run(upToTheWrite + [.failbackWritten(seq: 57), .applied, .stepFailed("route53 said no"), .postCheckDone(failure: nil)])
        #expect(actions.suffix(3) == [.runRouteChangeHook, .postCheck, .finish(.completed)])
        #expect(machine.state == .finished(.completed))
    }

    @Test func aFailedPostCheckIsStuckNamingTheFailure() {
        let path = upToTheWrite + [.failbackWritten(seq: 57), .applied, .routeChanged]
        let (machine, actions) = run(path + [.postCheckDone(failure: "a answers 503")])
        let outcome = CoordinatorOutcome.stuck(reason: "failed back, but the post-check failed: a answers 503")
        #expect(actions.last == .finish(outcome))
        #expect(machine.state == .finished(outcome))
        #expect(run(path + [.stepFailed("a did not answer")]).1.last == .finish(.stuck(reason: "failed back, but the post-check failed: a did not answer")))
    }

    @Test func aCoordinatorStoppedAfterTheWriteIsResumedWaitingForTheRegionToApplyIt() {
        let (resumed, first) = M.resuming(failbackSeq: 57)
        #expect(first == .waitUntilApplied(seq: 57))
        #expect(resumed.state == .applying(seq: 57))
        #expect(run([.applied, .routeChanged, .postCheckDone(failure: nil)], from: resumed).1 == [.runRouteChangeHook, .postCheck, .finish(.completed)])
        #expect(run([.stepFailed("a is down")], from: resumed).0.state == .finished(.stuck(reason: "the failback is written, but the region has not applied it: a is down")))
        // Nothing before the write happens again.
        var again = resumed
        #expect(again.handle(.start(dryRun: false)) == nil)
        #expect(again.handle(.failbackWritten(seq: 58)) == nil)
        #expect(again == resumed)
    }

    /// One event of each kind.
    static let everyEvent: [M.Event] = [
        .start(dryRun: false), .start(dryRun: true), .prechecksDone(failures: []), .caughtUp, .catchUpTimedOut("x"), .hookPassed,
        .hookFailed(output: "x"), .failbackWritten(seq: 3), .failbackRefused("x"), .applied, .routeChanged,
        .postCheckDone(failure: nil), .stepFailed("x"),
    ]

    /// The event's case, without its values.
    static func kind(_ event: M.Event) -> String {
        switch event {
        case .start: "start"
        case .prechecksDone: "prechecksDone"
        case .caughtUp: "caughtUp"
        case .catchUpTimedOut: "catchUpTimedOut"
        case .hookPassed: "hookPassed"
        case .hookFailed: "hookFailed"
        case .failbackWritten: "failbackWritten"
        case .failbackRefused: "failbackRefused"
        case .applied: "applied"
        case .routeChanged: "routeChanged"
        case .postCheckDone: "postCheckDone"
        case .stepFailed: "stepFailed"
        }
    }

    @Test func anEventThatMakesNoSenseInAStateIsRefusedAndChangesNothing() {
        let written = upToTheWrite + [.failbackWritten(seq: 57)]
        // Each state, how to reach it, and the events it accepts.
        let states: [([M.Event], Set<String>)] = [
            ([], ["start"]),
            ([.start(dryRun: false)], ["prechecksDone", "stepFailed"]),
            ([.start(dryRun: false), .prechecksDone(failures: [])], ["caughtUp", "catchUpTimedOut", "stepFailed"]),
            ([.start(dryRun: false), .prechecksDone(failures: []), .caughtUp], ["hookPassed", "hookFailed"]),
            (upToTheWrite, ["failbackWritten", "failbackRefused", "stepFailed"]),
            (written, ["applied", "stepFailed"]),
            (written + [.applied], ["routeChanged", "stepFailed"]),
            (written + [.applied, .routeChanged], ["postCheckDone", "stepFailed"]),
            (written + [.applied, .routeChanged, .postCheckDone(failure: nil)], []),
            ([.start(dryRun: true), .prechecksDone(failures: [])], []),
            ([.start(dryRun: false), .prechecksDone(failures: []), .catchUpTimedOut("x")], []),
            (upToTheWrite + [.stepFailed("x")], []),
        ]
        for (path, accepted) in states {
            let (reached, actions) = run(path)
            #expect(!actions.contains(nil), "reaching \(reached.state)")
            for event in Self.everyEvent {
                var machine = reached
                let action = machine.handle(event)
                if accepted.contains(Self.kind(event)) {
                    #expect(action != nil, "\(event) in \(reached.state)")
                } else {
                    #expect(action == nil, "\(event) in \(reached.state)")
                    #expect(machine == reached, "\(event) in \(reached.state)")
                }
            }
        }
    }
}
