import RelayCore
import Testing

struct SwitchoverMachineTests {
    /// Feeds `events` in order and returns the actions, nil where an event was refused.
    func run(_ events: [SwitchoverMachine.Event], from start: SwitchoverMachine = SwitchoverMachine()) -> (SwitchoverMachine, [SwitchoverMachine.Action?]) {
        var machine = start
        let actions = events.map { machine.handle($0) }
        return (machine, actions)
    }

    @Test func aSwitchoverFencesDrainsAsksTheHookTakesOverSwitchesRoutingAndChecks() {
        let (machine, actions) = run([
            .start(dryRun: false), .prechecksDone(failures: []), .fenced(headSeq: 42), .drained, .hookPassed,
            .takeoverWritten, .routeChanged, .postCheckDone(failure: nil),
        ])
        #expect(actions == [
            .runPrechecks, .writeFence, .waitForDrain(target: 42), .runPrePromoteHook, .writeTakeover,
            .runRouteChangeHook, .postCheck, .finish(.completed),
        ])
        #expect(machine.state == .finished(.completed))
    }

    @Test func aDryRunStopsAfterThePrechecksWhateverTheyFound() {
        #expect(run([.start(dryRun: true), .prechecksDone(failures: [])]).1.last == .finish(.planned(failures: [])))
        #expect(run([.start(dryRun: true), .prechecksDone(failures: ["lag 5000 > 1000"])]).1.last == .finish(.planned(failures: ["lag 5000 > 1000"])))
    }

    @Test func aFailedPrecheckRefusesBeforeAnythingIsWritten() {
        let (_, actions) = run([.start(dryRun: false), .prechecksDone(failures: ["b is unhealthy"])])
        #expect(actions == [.runPrechecks, .finish(.refused(failures: ["b is unhealthy"]))])
        #expect(!actions.contains(.writeFence))
    }

    @Test func aDrainTimeoutUnfencesAndAborts() {
        let (machine, actions) = run([.start(dryRun: false), .prechecksDone(failures: []), .fenced(headSeq: 9), .drainTimedOut, .unfenced])
        #expect(actions.suffix(2) == [.writeUnfence, .finish(.abortedAndRolledBack(reason: "the drain timed out before the target had every record"))])
        #expect(!actions.contains(.writeTakeover))
        #expect(machine.state == .finished(.abortedAndRolledBack(reason: "the drain timed out before the target had every record")))
    }

    @Test func aFailingPrePromoteHookAbortsAndLeavesTheRegionServing() {
        let (_, actions) = run([.start(dryRun: false), .prechecksDone(failures: []), .fenced(headSeq: 1), .drained, .hookFailed(output: "exit 3: nope"), .unfenced])
        #expect(actions.suffix(2) == [.writeUnfence, .finish(.abortedAndRolledBack(reason: "the pre_promote hook refused: exit 3: nope"))])
        #expect(!actions.contains(.writeTakeover))
    }

    @Test func writeFailuresBeforeTheTakeoverRollBackAndAFailedRollbackIsStuckNotSilent() {
        let failedFence = run([.start(dryRun: false), .prechecksDone(failures: []), .stepFailed("connection refused"), .unfenced]).1
        #expect(failedFence.suffix(2) == [.writeUnfence, .finish(.abortedAndRolledBack(reason: "fencing failed: connection refused"))])
        let failedTakeover = run([.start(dryRun: false), .prechecksDone(failures: []), .fenced(headSeq: 3), .drained, .hookPassed, .stepFailed("timeout")]).1
        #expect(failedTakeover.last == .writeUnfence)
        let (machine, stuck) = run([.start(dryRun: false), .prechecksDone(failures: []), .fenced(headSeq: 3), .drainTimedOut, .stepFailed("a is down")])
        guard case .finish(.stuck(let reason)) = stuck.last else {
            Issue.record("a failed rollback must end stuck, got \(String(describing: stuck.last))")
            return
        }
        #expect(reason.contains("drain timed out") && reason.contains("a is down"))
        #expect(machine.state == .finished(.stuck(reason: reason)))
    }

    @Test func afterTheTakeoverNothingRollsBackEvenWhenTheRouteHookFails() {
        let (_, actions) = run([
            .start(dryRun: false), .prechecksDone(failures: []), .fenced(headSeq: 3), .drained, .hookPassed, .takeoverWritten,
            .stepFailed("route53 said no"), .postCheckDone(failure: nil),
        ])
        #expect(actions.suffix(2) == [.postCheck, .finish(.completed)])
        #expect(!actions.contains(.writeUnfence))
    }

    @Test func aCoordinatorKilledWhileDrainingIsResumedAndFinishesOrRollsBack() {
        let (resumed, first) = SwitchoverMachine.resuming(.fenced(headSeq: 77))
        #expect(first == .waitForDrain(target: 77))
        #expect(run([.drained, .hookPassed, .takeoverWritten, .routeChanged, .postCheckDone(failure: nil)], from: resumed).0.state == .finished(.completed))
        #expect(run([.drainTimedOut, .unfenced], from: resumed).1.last == .finish(.abortedAndRolledBack(reason: "the drain timed out before the target had every record")))
    }

    @Test func aCoordinatorKilledAfterTheTakeoverIsResumedAtTheRoutingStep() {
        let (resumed, first) = SwitchoverMachine.resuming(.takenOver)
        #expect(first == .runRouteChangeHook)
        #expect(run([.routeChanged, .postCheckDone(failure: nil)], from: resumed).1 == [.postCheck, .finish(.completed)])
    }

    @Test func eventsOutOfPlaceAreRefusedAndChangeNothing() {
        var machine = SwitchoverMachine()
        #expect(machine.handle(.drained) == nil)
        #expect(machine.state == .idle)
        _ = machine.handle(.start(dryRun: false))
        #expect(machine.handle(.takeoverWritten) == nil)
        #expect(machine.handle(.unfenced) == nil)
        #expect(machine.state == .prechecking)
        let (finished, _) = run([.start(dryRun: false), .prechecksDone(failures: ["x"])])
        var done = finished
        #expect(done.handle(.prechecksDone(failures: [])) == nil)
        #expect(done.state == .finished(.refused(failures: ["x"])))
    }
}
