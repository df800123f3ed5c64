import Logging
import RelayCore
import RelayGateway
import Synchronization

/// Collects every log line a logger writes (as `JSONLogHandler` renders it), for assertions.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// A logger at `level` writing into this capture.
    func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "capture") { [self] label in
            JSONLogHandler(label: label, metadataProvider: nil, sink: { line in self.lines.withLock { $0.append(line) } })
        }
        logger.logLevel = level
        return logger
    }

    /// Every line so far.
    var all: [String] { lines.withLock { $0 } }

    /// Every line so far, parsed.
    var entries: [JSONValue] { all.compactMap { try? JSONParser.parse(Array($0.utf8)) } }

    /// The `request` lines (one per request).
    var requestLines: [JSONValue] { entries.filter { $0["message"] == "request" } }
}
