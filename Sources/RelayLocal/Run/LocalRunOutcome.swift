/// How a local run ended, for the command's exit status.
public enum LocalRunOutcome: Equatable, Sendable {
    /// Stopped on request (or `once` passed); everything was torn down. Exit status 0.
    case stopped
    /// Start-up or the `once` check failed (logged); everything was torn down. Exit status 1.
    case failed
}
