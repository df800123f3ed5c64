import RelayCore
import Testing

/// Every decision of `relay-dr failover --allow-data-loss`, with no region, hook or clock.
struct FailoverMachineTests {
    typealias M = FailoverMachine

    /// Feeds `events` in order and returns the actions, nil where an event was refused.
    func run(_ events: [M.Event], from start: M = M()) -> (M, [M.Action?]) {
        var machine = start
        let actions = events.map { machine.handle($0) }
        return (machine, actions)
    }

    /// The events that bring a failover to the point where its takeover is written.
    let upToTheTakeover: [M.Event] = [.start(dryRun: false), .prechecksDone(failures: []), .hookPassed]

    @Test func aFailoverChecksAsksTheHookTakesOverSwitchesRoutingAndChecks() {
        let (machine, actions) = run(upToTheTakeover + [.takeoverWritten, .routeChanged, .postCheckDone(failure: nil)])
        #expect(actions == [.runPrechecks, .runPrePromoteHook, .writeTakeover, .runRouteChangeHook, .postCheck, .finish(.completed)])
        #expect(machine.state == .finished(.completed))
    }

    @Test func everyStepOnTheWayIsItsOwnState() {
        var machine = M()
        let steps: [(M.Event, M.State)] = [
            (.start(dryRun: false), .prechecking), (.prechecksDone(failures: []), .prePromote), (.hookPassed, .takingOver),
            (.takeoverWritten, .switchingRoute), (.routeChanged, .postChecking), (.postCheckDone(failure: nil), .finished(.completed)),
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
        let (failing, withFailures) = run([.start(dryRun: true), .prechecksDone(failures: ["b is unhealthy", "loss 40 > 10"])])
        #expect(withFailures.last == .finish(.planned(failures: ["b is unhealthy", "loss 40 > 10"])))
        #expect(failing.state == .finished(.planned(failures: ["b is unhealthy", "loss 40 > 10"])))
    }

    @Test func aFailedPrecheckRefusesBeforeAnythingIsWritten() {
        let (machine, actions) = run([.start(dryRun: false), .prechecksDone(failures: ["b is unhealthy"])])
        #expect(actions == [.runPrechecks, .finish(.refused(failures: ["b is unhealthy"]))])
        #expect(machine.state == .finished(.refused(failures: ["b is unhealthy"])))
        let unreachable = run([.start(dryRun: false), .stepFailed("b did not answer")]).1
        #expect(unreachable == [.runPrechecks, .finish(.refused(failures: ["b did not answer"]))])
    }

    @Test func aFailingPrePromoteHookRefusesAndWritesNothing() {
        let (machine, actions) = run([.start(dryRun: false), .prechecksDone(failures: []), .hookFailed(output: "exit 3: nope")])
        let outcome = CoordinatorOutcome.refused(failures: ["the pre_promote hook refused: exit 3: nope"])
        #expect(actions == [.runPrechecks, .runPrePromoteHook, .finish(outcome)])
        #expect(!actions.contains(.writeTakeover))
        #expect(machine.state == .finished(outcome))
    }

    @Test func aRefusedTakeoverIsRefusedButAFailedWriteIsStuck() {
        let (refused, refusal) = run(upToTheTakeover + [.takeoverRefused("a is already taken over by c")])
        #expect(refusal.last == .finish(.refused(failures: ["a is already taken over by c"])))
        #expect(refused.state == .finished(.refused(failures: ["a is already taken over by c"])))
        // A write that failed may have landed: only running the command again can tell.
        let (stuck, failure) = run(upToTheTakeover + [.stepFailed("connection reset")])
        guard case .finish(.stuck(let reason)) = failure.last else {
            Issue.record("a failed takeover write must end stuck, got \(String(describing: failure.last))")
            return
        }
        #expect(reason.contains("may not have been written") && reason.contains("connection reset"))
        #expect(stuck.state == .finished(.stuck(reason: reason)))
        #expect(!failure.contains(.runRouteChangeHook))
    }

    @Test func afterTheTakeoverAFailingRouteHookStillGoesToThePostCheck() {
        let (machine, actions) = run(upToTheTakeover + [.takeoverWritten, .stepFailed("route53 said no"), .postCheckDone(failure: nil)])
        #expect(actions.suffix(3) == [.runRouteChangeHook, .postCheck, .finish(.completed)])
        #expect(machine.state == .finished(.completed))
    }

    @Test func aFailedPostCheckIsStuckNamingTheFailure() {
        let (machine, actions) = run(upToTheTakeover + [.takeoverWritten, .routeChanged, .postCheckDone(failure: "a's traffic still reaches a")])
        let outcome = CoordinatorOutcome.stuck(reason: "taken over, but the post-check failed: a's traffic still reaches a")
        #expect(actions.last == .finish(outcome))
        #expect(machine.state == .finished(outcome))
        let unreachable = run(upToTheTakeover + [.takeoverWritten, .routeChanged, .stepFailed("b did not answer")]).1
        #expect(unreachable.last == .finish(.stuck(reason: "taken over, but the post-check failed: b did not answer")))
    }

    @Test func aCoordinatorStoppedAfterTheTakeoverIsResumedAtTheRoutingStep() {
        let (resumed, first) = M.resuming()
        #expect(first == .runRouteChangeHook)
        #expect(resumed.state == .switchingRoute)
        #expect(run([.routeChanged, .postCheckDone(failure: nil)], from: resumed).1 == [.postCheck, .finish(.completed)])
        #expect(run([.stepFailed("hook crashed"), .postCheckDone(failure: nil)], from: resumed).0.state == .finished(.completed))
        // Nothing before the routing step happens again.
        var again = resumed
        #expect(again.handle(.start(dryRun: false)) == nil)
        #expect(again.handle(.takeoverWritten) == nil)
        #expect(again == resumed)
    }

    /// One event of each kind.
    static let everyEvent: [M.Event] = [
        .start(dryRun: false), .start(dryRun: true), .prechecksDone(failures: []), .hookPassed, .hookFailed(output: "x"),
        .takeoverWritten, .takeoverRefused("x"), .routeChanged, .postCheckDone(failure: nil), .stepFailed("x"),
    ]

    /// The event's case, without its values.
    static func kind(_ event: M.Event) -> String {
        switch event {
        case .start: "start"
        case .prechecksDone: "prechecksDone"
        case .hookPassed: "hookPassed"
        case .hookFailed: "hookFailed"
        case .takeoverWritten: "takeoverWritten"
        case .takeoverRefused: "takeoverRefused"
        case .routeChanged: "routeChanged"
        case .postCheckDone: "postCheckDone"
        case .stepFailed: "stepFailed"
        }
    }

    @Test func anEventThatMakesNoSenseInAStateIsRefusedAndChangesNothing() {
        // Each state, how to reach it, and the events it accepts.
        let states: [([M.Event], Set<String>)] = [
            ([], ["start"]),
            ([.start(dryRun: false)], ["prechecksDone", "stepFailed"]),
            ([.start(dryRun: false), .prechecksDone(failures: [])], ["hookPassed", "hookFailed"]),
            (upToTheTakeover, ["takeoverWritten", "takeoverRefused", "stepFailed"]),
            (upToTheTakeover + [.takeoverWritten], ["routeChanged", "stepFailed"]),
            (upToTheTakeover + [.takeoverWritten, .routeChanged], ["postCheckDone", "stepFailed"]),
            (upToTheTakeover + [.takeoverWritten, .routeChanged, .postCheckDone(failure: nil)], []),
            ([.start(dryRun: true), .prechecksDone(failures: [])], []),
            ([.start(dryRun: false), .prechecksDone(failures: ["x"])], []),
            (upToTheTakeover + [.stepFailed("x")], []),
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
