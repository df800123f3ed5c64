/// Where something was defined in a configuration file.
public struct ConfigLocation: Sendable, Hashable, CustomStringConvertible {
    /// Path of the file as it was given to the loader (for example `regions/us-east-1.yaml`).
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
