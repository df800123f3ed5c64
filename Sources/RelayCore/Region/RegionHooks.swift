/// The commands a region runs when it is being promoted (`hooks:` in a region file): the
/// coordinator of a switchover, failover or failback runs the hooks of the region taking over.
public struct RegionHooks: Sendable, Hashable {
    /// Runs after the drain and before the takeover; a non-zero exit or a timeout vetoes the
    /// promotion (the source is unfenced and keeps its traffic).
    public var prePromote: RegionHook?
    /// Runs once the takeover is recorded; its failure is reported, the takeover stands.
    public var onRouteChange: RegionHook?

    /// Hooks; none by default.
    public init(prePromote: RegionHook? = nil, onRouteChange: RegionHook? = nil) {
        self.prePromote = prePromote
        self.onRouteChange = onRouteChange
    }

    /// True when no hook is configured.
    public var isEmpty: Bool { prePromote == nil && onRouteChange == nil }
}

/// One hook: a command for `/bin/sh -c` and how long it may run.
public struct RegionHook: Sendable, Hashable {
    /// Default time limit, in seconds.
    public static let defaultTimeoutSeconds = 30
    /// The allowed time limits, in seconds.
    public static let timeoutRange = 1...3600

    /// The shell command.
    public var command: String
    /// Time limit; the command is terminated (SIGTERM, then SIGKILL) when it runs longer.
    public var timeout: Duration

    /// A hook running `command` for at most `timeout`.
    public init(command: String, timeout: Duration = .seconds(RegionHook.defaultTimeoutSeconds)) {
        self.command = command
        self.timeout = timeout
    }
}
