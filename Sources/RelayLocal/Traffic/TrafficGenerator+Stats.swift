import Foundation
import RelayCore

extension TrafficGenerator {
    /// Counters, read while running and at the end.
    public struct Stats: Equatable, Sendable {
        /// Validations answered 200.
        public var sent = 0
        /// Of those, approved.
        public var approved = 0
        /// Of those, denied.
        public var denied = 0
        /// Requests that failed (transport error or a status other than 200).
        public var errors = 0
        /// Seals marked executed.
        public var executed = 0
        /// Requests not sent because `maxInFlight` were outstanding.
        public var skipped = 0
        /// The last failure, for the report.
        public var lastError: String?

        /// Zero counters.
        public init() {}

        /// Validations that were due: sent, failed or skipped.
        public var due: Int { sent + errors + skipped }

        /// The `traffic.log` line: the time, then the counters.
        func logLine(at date: String) -> String {
            "\(date) validated=\(sent) approved=\(approved) denied=\(denied) executed=\(executed) errors=\(errors) skipped=\(skipped)"
                + (lastError.map { " last_error=\($0)" } ?? "") + "\n"
        }

        /// The one line `relay-local traffic` prints at the end (scripts parse it):
        /// `RESULT validated=… approved=… denied=… executed=… errors=… skipped=… seconds=… rate=…`.
        public func resultLine(elapsed: Duration) -> String {
            let seconds = elapsed.inSeconds
            return "RESULT validated=\(sent) approved=\(approved) denied=\(denied) executed=\(executed) errors=\(errors) skipped=\(skipped) "
                + "seconds=\(String(format: "%.1f", seconds)) rate=\(String(format: "%.1f", Double(sent) / max(seconds, 0.001)))"
        }
    }
}
