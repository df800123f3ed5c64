/// Where something was defined in a policy file.
public struct PolicySourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// Path of the file as it was given to the loader (for example `gateway/policies/finance.yaml`).
    public var file: String
    /// 1-based line number.
    public var line: Int

    /// Creates a location.
    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    /// `file:line`.
    public var description: String { "\(file):\(line)" }
}
