import Logging

/// How the gateway writes logs (`RELAY_LOG_FORMAT`).
public enum LogFormat: String, Sendable, CaseIterable {
    /// swift-log's human-readable lines.
    case text
    /// One JSON object per line (`JSONLogHandler`).
    case json

    /// A handler writing this format to standard error at `level` (for `LoggingSystem.bootstrap`).
    public func handler(label: String, level: Logger.Level) -> any LogHandler {
        var handler: any LogHandler
        switch self {
        case .text: handler = StreamLogHandler.standardError(label: label)
        case .json: handler = JSONLogHandler(label: label)
        }
        handler.logLevel = level
        return handler
    }
}
