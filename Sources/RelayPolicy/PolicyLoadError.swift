/// A policy file (or directory) that was rejected, with the place and the reason.
public struct PolicyLoadError: Error, Sendable, Equatable, CustomStringConvertible {
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
    /// e.g. `gateway/policies/finance.yaml:12: unknown key 'condtion' in rule 'x' (expected one of: …)`.
    public var description: String {
        if let line { "\(file):\(line): \(reason)" } else { "\(file): \(reason)" }
    }
}
