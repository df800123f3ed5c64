/// How the gateway writes logs (`RELAY_LOG_FORMAT`).
public enum LogFormat: String, Sendable, CaseIterable {
    /// swift-log's human-readable lines.
    case text
    /// One JSON object per line (`JSONLogHandler`).
    case json
}
