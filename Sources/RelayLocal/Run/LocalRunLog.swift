import Logging

/// Log lines both kinds of local run share.
enum LocalRunLog {
    /// "stopping".
    static func stopping(_ stop: StopSignal, logger: Logger) {
        logger.info("stopping")
    }
}
