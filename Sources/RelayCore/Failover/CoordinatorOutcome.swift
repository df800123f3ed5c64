/// How a coordinator's event (switchover, failover, failback) ended.
public enum CoordinatorOutcome: Sendable, Equatable {
    /// The event did what it was asked: the traffic is served where it was sent.
    case completed
    /// `--dry-run`: the plan and its pre-checks, nothing changed.
    case planned(failures: [String])
    /// A pre-check failed; nothing changed.
    case refused(failures: [String])
    /// Stopped before the point of no return and rolled back: nothing changed in the end.
    case abortedAndRolledBack(reason: String)
    /// A step failed past the point where it could be undone (or the undo failed too): an
    /// operator re-runs the command, which resumes it — never half-done silently.
    case stuck(reason: String)
}
