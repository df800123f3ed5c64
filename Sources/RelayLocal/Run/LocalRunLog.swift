import Logging

/// Log lines both kinds of local run share.
enum LocalRunLog {
    /// "stopping", preceded by why when the supervising process asked for it (a signal to us
    /// needs no explanation: whoever sent it knows).
    static func stopping(_ stop: StopSignal, logger: Logger) {
        switch stop.cause {
        case .supervisorGone?, .supervisorStopping?: logger.notice("\(stop.cause!); stopping everything")
        default: break
        }
        logger.info("stopping")
    }
}
