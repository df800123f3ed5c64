/// The commands' side of ``ProcessControlFolder``: `relay-local kill|restart|stop` hand their
/// request to the `relay-local up --regions` running with the same state folder and wait for
/// its answer.
public struct ProcessControlClient: Sendable {
    /// The running up's control folder.
    public let folder: ProcessControlFolder
    /// The state folder, for messages.
    public let state: LocalStateFolder

    /// A client for the run whose state folder is `state`.
    public init(state: LocalStateFolder) {
        self.state = state
        self.folder = ProcessControlFolder(state: state)
    }

    /// Sends `request` and returns the reply's lines once the run has carried it out.
    ///
    /// Throws ``ProcessControlError/noRunningUp(stateDirectory:)`` when no run holds the state
    /// folder, ``ProcessControlError/upEnded(stateDirectory:)`` when it ends before answering,
    /// ``ProcessControlError/timedOut(seconds:stateDirectory:)`` after `timeout` (a request not
    /// yet taken is withdrawn), and ``ProcessControlError/failed(_:)`` (or
    /// ``ProcessControlError/unknownRegion(_:known:)``) with the run's own words when it could not
    /// do all of it.
    public func send(_ request: ProcessControlRequest, timeout: Duration = .seconds(300)) async throws(ProcessControlError) -> [String] {
        let directory = state.root.path
        guard folder.isServed else { throw .noRunningUp(stateDirectory: directory) }
        let id = try folder.submit(request)
        let deadline = ContinuousClock.now + timeout
        while true {
            if let reply = folder.reply(to: id) { return try Self.lines(of: reply) }
            guard folder.isServed else {
                // It may have answered just before it ended.
                if let reply = folder.reply(to: id) { return try Self.lines(of: reply) }
                throw .upEnded(stateDirectory: directory)
            }
            if ContinuousClock.now >= deadline {
                _ = folder.withdraw(id)
                throw .timedOut(seconds: Int(timeout.components.seconds), stateDirectory: directory)
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    private static func lines(of reply: ProcessControlReply) throws(ProcessControlError) -> [String] {
        guard reply.ok else { throw .failed(reply.lines) }
        return reply.lines
    }
}
