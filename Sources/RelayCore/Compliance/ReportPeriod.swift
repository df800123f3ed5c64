/// The half-open interval `[from, to)` a compliance report covers (UTC).
public struct ReportPeriod: Sendable, Equatable, Codable {
    public var from: Timestamp
    public var to: Timestamp

    /// Creates a period.
    public init(from: Timestamp, to: Timestamp) {
        self.from = from
        self.to = to
    }

    /// Length of the period in seconds.
    public var seconds: Double { Double(to.microseconds - from.microseconds) / 1e6 }

    /// True when `instant` lies in `[from, to)`.
    public func contains(_ instant: Timestamp) -> Bool { from <= instant && instant < to }
}
