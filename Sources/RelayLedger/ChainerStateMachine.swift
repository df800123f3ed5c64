/// The chainer's decisions, without I/O: after each step, whether it leads, how long to pause,
/// and what is worth a log line (role changes and each distinct failure once, not every retry).
public struct ChainerStateMachine: Sendable {
    /// What the chainer believes about itself.
    public enum Role: Sendable, Equatable {
        /// No step has finished yet.
        case starting
        /// It holds the region's leader lock and links records.
        case leading
        /// Another chainer holds the lock; this one takes over when it is released.
        case standingBy
    }

    /// A line for the log.
    public enum Note: Sendable, Equatable {
        /// It took the lead (first step, or the leader went away), at this head.
        case leading(headSeq: Int64)
        /// It lost the lead (after leading).
        case standingBy
        /// A step failed in a way not reported since the last success.
        case failed(String)
    }

    /// What to do next.
    public struct Action: Sendable, Equatable {
        /// Pause before the next step; nil: go on at once (a full batch: more is waiting).
        public var pause: Duration?
        /// Something to log, if anything.
        public var note: Note?

        /// Creates an action.
        public init(pause: Duration?, note: Note?) {
            self.pause = pause
            self.note = note
        }
    }

    /// Pause after a step that did not fill a batch.
    public let pollInterval: Duration
    /// Records per step: a step that links this many goes on at once.
    public let batchLimit: Int
    /// Pause after a failed step.
    public let errorBackoff: Duration
    /// The current role.
    public private(set) var role: Role = .starting
    /// The last failure, cleared by the next step that succeeds.
    public private(set) var lastError: String?

    /// A machine with the chainer's tuning.
    public init(pollInterval: Duration, batchLimit: Int, errorBackoff: Duration) {
        self.pollInterval = pollInterval
        self.batchLimit = batchLimit
        self.errorBackoff = errorBackoff
    }

    /// A step finished with `outcome`.
    public mutating func stepped(_ outcome: ChainStepOutcome) -> Action {
        lastError = nil
        switch outcome {
        case .notLeader:
            defer { role = .standingBy }
            return Action(pause: pollInterval, note: role == .leading ? .standingBy : nil)
        case .idle(let head):
            return Action(pause: pollInterval, note: lead(at: head.seq))
        case .chained(let count, let head):
            return Action(pause: count >= batchLimit ? nil : pollInterval, note: lead(at: head.seq))
        }
    }

    /// A step failed with `message` (the transaction rolled back; nothing changed).
    public mutating func failed(_ message: String) -> Action {
        defer { lastError = message }
        return Action(pause: errorBackoff, note: lastError == message ? nil : .failed(message))
    }

    private mutating func lead(at seq: Int64) -> Note? {
        defer { role = .leading }
        return role == .leading ? nil : .leading(headSeq: seq)
    }
}
