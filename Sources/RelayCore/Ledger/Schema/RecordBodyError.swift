/// A body (or a row read as one) that is not a record of its kind.
public struct RecordBodyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Path of the offending member (`manifest.created_at`); empty for the body itself.
    public let path: String
    /// What is wrong with it.
    public let reason: String

    /// Creates an error about the member at `path`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
}
