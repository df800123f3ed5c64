/// The decisions of `relay-dr failback --to A`, as a pure state machine. A came back taken over
/// (it refuses writes); once it has caught up on its successor B's ledger, B records the
/// failback in its own ledger — after every execution B made of A's seals — and A serves its
/// traffic again when it applies that entry. Before the entry nothing has changed; after it
/// there is no going back, and running the command again resumes (`resuming(failbackSeq:)`).
public struct FailbackMachine: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case idle
        case prechecking
        case catchingUp
        case prePromote
        case writingFailback
        case applying(seq: Int64)
        case switchingRoute
        case postChecking
        case finished(CoordinatorOutcome)
    }

    public enum Action: Sendable, Equatable {
        /// Run every pre-check, and list A's stranded records.
        case runPrechecks
        /// Wait until A has applied B's ledger up to B's head (bounded).
        case waitForCatchUp
        case runPrePromoteHook
        /// Write `failback` of A in B's ledger, with A's stranded records.
        case writeFailback
        /// Wait until A has applied B's ledger up to the failback entry at `seq` (bounded).
        case waitUntilApplied(seq: Int64)
        case runRouteChangeHook
        /// Check that A serves its own traffic.
        case postCheck
        case finish(CoordinatorOutcome)
    }

    public enum Event: Sendable, Equatable {
        case start(dryRun: Bool)
        case prechecksDone(failures: [String])
        case caughtUp
        case catchUpTimedOut(String)
        case hookPassed
        case hookFailed(output: String)
        case failbackWritten(seq: Int64)
        /// B refused the failback (its state does not allow it): nothing was written.
        case failbackRefused(String)
        case applied
        case routeChanged
        case postCheckDone(failure: String?)
        case stepFailed(String)
    }

    public private(set) var state: State
    private var dryRun = false

    /// A failback not started yet.
    public init() { state = .idle }

    /// A machine finishing a failback whose entry is written at B's `failbackSeq`.
    public static func resuming(failbackSeq: Int64) -> (FailbackMachine, Action) {
        var machine = FailbackMachine()
        machine.state = .applying(seq: failbackSeq)
        return (machine, .waitUntilApplied(seq: failbackSeq))
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
            state = .catchingUp
            return .waitForCatchUp
        case (.prechecking, .stepFailed(let why)):
            return finish(.refused(failures: [why]))
        case (.catchingUp, .caughtUp):
            state = .prePromote
            return .runPrePromoteHook
        case (.catchingUp, .catchUpTimedOut(let why)), (.catchingUp, .stepFailed(let why)):
            return finish(.refused(failures: [why]))
        case (.prePromote, .hookPassed):
            state = .writingFailback
            return .writeFailback
        case (.prePromote, .hookFailed(let output)):
            return finish(.refused(failures: ["the pre_promote hook refused: \(output)"]))
        case (.writingFailback, .failbackWritten(let seq)):
            state = .applying(seq: seq)
            return .waitUntilApplied(seq: seq)
        case (.writingFailback, .failbackRefused(let why)):
            return finish(.refused(failures: [why]))
        case (.writingFailback, .stepFailed(let why)):
            return finish(.stuck(reason: "the failback may not have been written: \(why)"))
        case (.applying, .applied):
            state = .switchingRoute
            return .runRouteChangeHook
        case (.applying, .stepFailed(let why)):
            return finish(.stuck(reason: "the failback is written, but the region has not applied it: \(why)"))
        case (.switchingRoute, .routeChanged), (.switchingRoute, .stepFailed):
            state = .postChecking
            return .postCheck
        case (.postChecking, .postCheckDone(let failure)):
            return finish(failure.map { .stuck(reason: "failed back, but the post-check failed: \($0)") } ?? .completed)
        case (.postChecking, .stepFailed(let why)):
            return finish(.stuck(reason: "failed back, but the post-check failed: \(why)"))
        default:
            return nil
        }
    }

    private mutating func finish(_ outcome: CoordinatorOutcome) -> Action {
        state = .finished(outcome)
        return .finish(outcome)
    }
}
