import Logging

/// The running `up`'s side of ``ProcessControlFolder``: takes the requests one at a time, oldest
/// first (so two drills never act on one region at once), and answers each.
struct ProcessControlServer: Sendable {
    /// The folder served.
    let folder: ProcessControlFolder
    /// Carries out one request (``RegionSupervisor/handle(_:)`` in a run).
    let handle: @Sendable (ProcessControlRequest) async -> ProcessControlReply
    /// Where answers that cannot be written are reported.
    let logger: Logger
    /// How often the folder is looked at: a command waits at most this long to be taken.
    var pollInterval: Duration = .milliseconds(100)

    /// Serves until the calling task is cancelled.
    func run() async {
        while !Task.isCancelled {
            for id in folder.pendingRequests() {
                guard let taken = folder.take(id) else { continue }
                let reply: ProcessControlReply
                switch taken {
                case .success(let request): reply = await handle(request)
                case .failure(let error): reply = ProcessControlReply(ok: false, lines: [error.description])
                }
                do { try folder.answer(id, with: reply) } catch { logger.error("cannot answer a control request: \(error)") }
            }
            try? await Task.sleep(for: pollInterval)
        }
    }
}
