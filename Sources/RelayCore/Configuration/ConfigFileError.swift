/// A configuration file (or directory) that was rejected, with the place and the reason.
///
/// Shared by every YAML file Relay reads (policies, region configs), so operators see one error
/// format everywhere: `file:line: reason`. A bad environment setting is a ``ConfigurationError``.
public struct ConfigFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Path of the offending file (or of the directory, for directory-level problems).
    public let file: String
    /// 1-based line of the problem, when it has one.
    public let line: Int?
    /// What is wrong, in one line.
    public let reason: String

    /// Creates an error.
    public init(file: String, line: Int?, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// `file:line: reason` (or `file: reason` without a line),
    /// e.g. `regions/us-east-1.yaml:12: unknown key 'rpo' in targets (expected one of: …)`.
    public var description: String {
        if let line { "\(file):\(line): \(reason)" } else { "\(file): \(reason)" }
    }
}
