/// The decisions of `relay-dr failover --from A --to B --allow-data-loss`, as a pure state
/// machine: A is unreachable, so nothing is fenced or drained; B takes A over at a new epoch and
/// records the loss the operator accepted. There is no rollback once the takeover is written:
/// a coordinator that stops after it is resumed by running the command again (`resuming()`).
public struct FailoverMachine: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case idle
        case prechecking
        case prePromote
        case takingOver
        case switchingRoute
        case postChecking
        case finished(CoordinatorOutcome)
    }

    public enum Action: Sendable, Equatable {
        /// Run every pre-check, and estimate the loss.
        case runPrechecks
        case runPrePromoteHook
        /// Write `takeover` (A by B, failover) in B's ledger, with the accepted loss.
        case writeTakeover
        case runRouteChangeHook
        /// Check that A's traffic is served by B.
        case postCheck
        case finish(CoordinatorOutcome)
    }

    public enum Event: Sendable, Equatable {
        case start(dryRun: Bool)
        case prechecksDone(failures: [String])
        case hookPassed
        case hookFailed(output: String)
        case takeoverWritten
        /// B refused the takeover (its state does not allow it): nothing was written.
        case takeoverRefused(String)
        case routeChanged
        case postCheckDone(failure: String?)
        /// The current step's write or check failed (a region could not be reached).
        case stepFailed(String)
    }

    public private(set) var state: State
    private var dryRun = false

    /// A failover not started yet.
    public init() { state = .idle }

    /// A machine finishing a failover whose takeover is written, and its first action.
    public static func resuming() -> (FailoverMachine, Action) {
        var machine = FailoverMachine()
        machine.state = .switchingRoute
        return (machine, .runRouteChangeHook)
    }

    /// Feeds `event`; returns the next action (nil for an event that makes no sense now).
    public mutating func handle(_ event: Event) -> Action? {
        switch (state, event) {
        case (.idle, .start(let dryRun)):
            self.dryRun = dryRun
            state = .prechecking
            return .runPrechecks
        case (.prechecking, .prechecksDone(let failures)):
            if dryRun { return finish(.planned(failures: failures)) }
            if !failures.isEmpty { return finish(.refused(failures: failures)) }
            state = .prePromote
            return .runPrePromoteHook
        case (.prechecking, .stepFailed(let why)):
            return finish(.refused(failures: [why]))
        case (.prePromote, .hookPassed):
            state = .takingOver
            return .writeTakeover
        case (.prePromote, .hookFailed(let output)):
            return finish(.refused(failures: ["the pre_promote hook refused: \(output)"]))
        case (.takingOver, .takeoverWritten):
            state = .switchingRoute
            return .runRouteChangeHook
        case (.takingOver, .takeoverRefused(let why)):
            return finish(.refused(failures: [why]))
        case (.takingOver, .stepFailed(let why)):
            // Written or not is unknown: running the command again finds out and goes on.
            return finish(.stuck(reason: "the takeover may not have been written: \(why)"))
        case (.switchingRoute, .routeChanged), (.switchingRoute, .stepFailed):
            // The takeover is in the ledger: routing follows it even when the hook failed.
            state = .postChecking
            return .postCheck
        case (.postChecking, .postCheckDone(let failure)):
            return finish(failure.map { .stuck(reason: "taken over, but the post-check failed: \($0)") } ?? .completed)
        case (.postChecking, .stepFailed(let why)):
            return finish(.stuck(reason: "taken over, but the post-check failed: \(why)"))
        default:
            return nil
        }
    }

    private mutating func finish(_ outcome: CoordinatorOutcome) -> Action {
        state = .finished(outcome)
        return .finish(outcome)
    }
}
