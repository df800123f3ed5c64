/// A UTC instant with microsecond precision, the precision PostgreSQL's `timestamptz` keeps.
///
/// Everything Relay signs or hashes uses this type, so a value read back from the database
/// formats to exactly the bytes that were signed.
public struct Timestamp: Sendable, Hashable, Comparable {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var microseconds: Int64

    /// Creates a timestamp from microseconds since the Unix epoch.
    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    /// Adds whole minutes (used for seal expiry).
    public func adding(minutes: Int) -> Timestamp {
        Timestamp(microseconds: microseconds + Int64(minutes) * 60_000_000)
    }

    /// Adds microseconds.
    public func adding(microseconds delta: Int64) -> Timestamp {
        Timestamp(microseconds: microseconds + delta)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microseconds < rhs.microseconds
    }
}
