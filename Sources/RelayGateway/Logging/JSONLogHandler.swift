import Foundation
import Logging
import RelayCore
import RelaySystem
import Synchronization

/// A swift-log handler writing one JSON object per line: `timestamp` (ISO 8601 UTC), `level`,
/// `label`, `message`, `error` when the event carries one, and every metadata entry as a
/// field of its own (a metadata key equal to one of those names is written as `metadata.<key>`).
/// Keys are sorted and control characters escaped, so a line never breaks.
public struct JSONLogHandler: LogHandler {
    /// The logger's label.
    public let label: String
    /// Lowest level written.
    public var logLevel: Logger.Level = .info
    /// Metadata of this logger.
    public var metadata: Logger.Metadata = [:]
    /// Contextual metadata added to every line.
    public var metadataProvider: Logger.MetadataProvider?
    private let clock: RelayClock
    private let sink: @Sendable (String) -> Void

    /// Creates a handler writing each line (without its newline) to `sink`; by default standard error.
    public init(
        label: String, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider,
        clock: RelayClock = .system, sink: @escaping @Sendable (String) -> Void = JSONLogHandler.writeToStandardError
    ) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.clock = clock
        self.sink = sink
    }

    /// Metadata of this logger, by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one line: handler metadata, then provider metadata, then the event's own (later wins).
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        var error: String?
        if let e = event.error { error = "\(e)" }
        sink(Self.line(timestamp: clock.now(), level: event.level, label: label, message: "\(event.message)", error: error, metadata: merged))
    }

    /// The JSON line for one event (pure).
    public static func line(
        timestamp: Timestamp, level: Logger.Level, label: String, message: String, error: String? = nil,
        metadata: Logger.Metadata
    ) -> String {
        var fields: [String: JSONValue] = [:]
        for (key, value) in metadata {
            fields[reserved.contains(key) ? "metadata.\(key)" : key] = json(value)
        }
        fields["timestamp"] = .string(timestamp.iso8601)
        fields["level"] = .string(level.rawValue)
        fields["label"] = .string(label)
        fields["message"] = .string(message)
        if let error { fields["error"] = .string(error) }
        return CanonicalJSON.string(.object(fields))
    }

    private static let reserved: Set<String> = ["timestamp", "level", "label", "message", "error"]

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let s): return .string(s)
        case .stringConvertible(let c): return .string(c.description)
        case .array(let items): return .array(items.map(json))
        case .dictionary(let entries): return .object(entries.mapValues(json))
        }
    }

    private static let writeLock = Mutex<Void>(())

    /// Writes `line` and a newline to standard error in one call, under a process-wide lock so
    /// lines from concurrent requests never interleave. A write that fails (standard error closed)
    /// loses the line: Foundation's non-throwing `write(_:)` would stop the process instead.
    public static let writeToStandardError: @Sendable (String) -> Void = { line in
        let data = Data((line + "\n").utf8)
        writeLock.withLock { _ in try? FileHandle.standardError.write(contentsOf: data) }
    }
}
