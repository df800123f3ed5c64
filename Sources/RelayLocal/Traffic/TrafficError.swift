/// A traffic set-up error (bad gateway URL or rate).
public struct TrafficError: Error, CustomStringConvertible, Sendable {
    /// What is wrong.
    public let description: String

    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
