/// The decisions of `relay-dr switchover --from A --to B`, as a pure state machine: the command
/// feeds it what happened (events) and performs what it returns (actions). Every step is
/// idempotent and recorded in the ledger, so a coordinator killed half-way is resumed from what
/// the regions' states show (`resuming(_:)`): it finishes the switchover or rolls it back.
public struct SwitchoverMachine: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case idle
        case prechecking
        case fencing
        case draining(target: Int64)
        case prePromote
        case takingOver
        case switchingRoute
        case postChecking
        case rollingBack(reason: String)
        case finished(Outcome)
    }

    /// How the switchover ended.
    public typealias Outcome = CoordinatorOutcome

    public enum Action: Sendable, Equatable {
        case runPrechecks
        /// Write `fence` in A's ledger; answer with `fenced(headSeq:)`, A's head once fenced.
        case writeFence
        /// Wait until B has applied A's records up to `target` (bounded by the drain timeout).
        case waitForDrain(target: Int64)
        case runPrePromoteHook
        /// Write `takeover` (A by B, switchover) at A's next epoch.
        case writeTakeover
        case runRouteChangeHook
        /// Check that A's traffic is served by B.
        case postCheck
        /// Write `unfence` in A's ledger (rollback).
        case writeUnfence
        case finish(Outcome)
    }

    public enum Event: Sendable, Equatable {
        case start(dryRun: Bool)
        case prechecksDone(failures: [String])
        case fenced(headSeq: Int64)
        case drained
        case drainTimedOut
        case hookPassed
        case hookFailed(output: String)
        case takeoverWritten
        case routeChanged
        case postCheckDone(failure: String?)
        case unfenced
        /// The current step's write or check failed (the database or a region could not be reached).
        case stepFailed(String)
    }

    public private(set) var state: State
    private var dryRun = false

    /// A switchover not started yet.
    public init() { state = .idle }

    /// What A's state shows after a coordinator stopped half-way, and where to go on from there.
    public enum Observed: Sendable, Equatable {
        /// A fenced by this switchover; its head is `headSeq`.
        case fenced(headSeq: Int64)
        /// A taken over by B in this switchover.
        case takenOver
    }

    /// A machine picking up a switchover whose coordinator stopped, and its first action.
    public static func resuming(_ observed: Observed) -> (SwitchoverMachine, Action) {
        var machine = SwitchoverMachine()
        switch observed {
        case .fenced(let head):
            machine.state = .draining(target: head)
            return (machine, .waitForDrain(target: head))
        case .takenOver:
            machine.state = .switchingRoute
            return (machine, .runRouteChangeHook)
        }
    }

    /// Feeds `event`; returns the action to perform next. An event that makes no sense in the
    /// current state is a programming error in the caller and leaves the state unchanged.
    public mutating func handle(_ event: Event) -> Action? {
        switch (state, event) {
        case (.idle, .start(let dryRun)):
            self.dryRun = dryRun
            state = .prechecking
            return .runPrechecks
        case (.prechecking, .prechecksDone(let failures)):
            if dryRun { return finish(.planned(failures: failures)) }
            if !failures.isEmpty { return finish(.refused(failures: failures)) }
            state = .fencing
            return .writeFence
        case (.prechecking, .stepFailed(let why)):
            return finish(.refused(failures: [why]))
        case (.fencing, .fenced(let head)):
            state = .draining(target: head)
            return .waitForDrain(target: head)
        case (.fencing, .stepFailed(let why)):
            // The fence may or may not have been written: unfencing is safe either way.
            return rollBack("fencing failed: \(why)")
        case (.draining, .drained):
            state = .prePromote
            return .runPrePromoteHook
        case (.draining, .drainTimedOut):
            return rollBack("the drain timed out before the target had every record")
        case (.draining, .stepFailed(let why)):
            return rollBack("draining failed: \(why)")
        case (.prePromote, .hookPassed):
            state = .takingOver
            return .writeTakeover
        case (.prePromote, .hookFailed(let output)):
            return rollBack("the pre_promote hook refused: \(output)")
        case (.takingOver, .takeoverWritten):
            state = .switchingRoute
            return .runRouteChangeHook
        case (.takingOver, .stepFailed(let why)):
            return rollBack("the takeover could not be written: \(why)")
        case (.switchingRoute, .routeChanged), (.switchingRoute, .stepFailed):
            // The takeover is in the ledger: routing follows it even when the hook failed
            // (its output goes into the history); there is no going back from here.
            state = .postChecking
            return .postCheck
        case (.postChecking, .postCheckDone(let failure)):
            return finish(failure.map { .stuck(reason: "taken over, but the post-check failed: \($0)") } ?? .completed)
        case (.postChecking, .stepFailed(let why)):
            return finish(.stuck(reason: "taken over, but the post-check failed: \(why)"))
        case (.rollingBack(let reason), .unfenced):
            return finish(.abortedAndRolledBack(reason: reason))
        case (.rollingBack(let reason), .stepFailed(let why)):
            return finish(.stuck(reason: "\(reason); the rollback (unfence) failed too: \(why)"))
        default:
            return nil
        }
    }

    private mutating func rollBack(_ reason: String) -> Action {
        state = .rollingBack(reason: reason)
        return .writeUnfence
    }

    private mutating func finish(_ outcome: Outcome) -> Action {
        state = .finished(outcome)
        return .finish(outcome)
    }
}
