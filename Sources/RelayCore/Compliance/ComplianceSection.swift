/// What one region's relay-dr answers at `GET /v1/report?from=&to=`: its own part of the
/// report, computed from its database (its outbound pairs, the verification runs it recorded,
/// the events in its history). `relay-dr report` merges the sections of every region.
public struct ComplianceSection: Sendable, Equatable, Codable {
    public static let format = "relay-compliance-section-v1"

    public var format: String
    public var region: String
    public var period: ReportPeriod
    public var generatedAt: Timestamp
    public var sampleIntervalSeconds: Double
    public var rawRetentionSeconds: Double
    /// This region's pairs (this region → each peer).
    public var pairs: [PairCompliance]
    public var verificationRuns: [ComplianceVerificationRun]
    /// Every event whose report this region's history holds in the period (its own and those it
    /// received from peers: the merge removes the repeats by event id).
    public var events: [ComplianceEvent]

    /// Creates a section.
    public init(
        region: String, period: ReportPeriod, generatedAt: Timestamp, sampleIntervalSeconds: Double, rawRetentionSeconds: Double,
        pairs: [PairCompliance], verificationRuns: [ComplianceVerificationRun], events: [ComplianceEvent]
    ) {
        self.format = Self.format
        self.region = region
        self.period = period
        self.generatedAt = generatedAt
        self.sampleIntervalSeconds = sampleIntervalSeconds
        self.rawRetentionSeconds = rawRetentionSeconds
        self.pairs = pairs
        self.verificationRuns = verificationRuns
        self.events = events
    }

    enum CodingKeys: String, CodingKey {
        case format, region, period, pairs, events
        case generatedAt = "generated_at", sampleIntervalSeconds = "sample_interval_seconds"
        case rawRetentionSeconds = "raw_retention_seconds", verificationRuns = "verification_runs"
    }
}
