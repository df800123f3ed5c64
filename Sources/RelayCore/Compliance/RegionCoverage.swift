/// One region of the deployment as the report saw it: included (its relay-dr answered with its
/// section) or missing (named, with the reason; its pairs' verdicts are then `unknown`).
public struct RegionCoverage: Sendable, Equatable, Codable {
    /// Whether the region's section is in the report.
    public enum Status: String, Sendable, Equatable, Codable {
        case included
        case missing
    }

    public var region: String
    public var status: Status
    /// Why the region is missing (connection refused, timeout, HTTP status…); nil when included.
    public var reason: String?
    /// The region's targets (from its region file).
    public var rpoTargetSeconds: Double
    public var rtoTargetSeconds: Double
    /// How often the region's relay-dr samples lag, and how old samples get before they are
    /// down-sampled to per-minute figures (nil when missing).
    public var sampleIntervalSeconds: Double?
    public var rawRetentionSeconds: Double?

    /// Creates a region's entry.
    public init(
        region: String, status: Status, reason: String? = nil, rpoTargetSeconds: Double, rtoTargetSeconds: Double,
        sampleIntervalSeconds: Double? = nil, rawRetentionSeconds: Double? = nil
    ) {
        self.region = region
        self.status = status
        self.reason = reason
        self.rpoTargetSeconds = rpoTargetSeconds
        self.rtoTargetSeconds = rtoTargetSeconds
        self.sampleIntervalSeconds = sampleIntervalSeconds
        self.rawRetentionSeconds = rawRetentionSeconds
    }

    enum CodingKeys: String, CodingKey {
        case region, status, reason
        case rpoTargetSeconds = "rpo_target_seconds", rtoTargetSeconds = "rto_target_seconds"
        case sampleIntervalSeconds = "sample_interval_seconds", rawRetentionSeconds = "raw_retention_seconds"
    }
}
