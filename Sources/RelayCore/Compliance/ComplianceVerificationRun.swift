/// A cross-region verification run recorded in the period (`verification_runs` of the region
/// that ran it).
public struct ComplianceVerificationRun: Sendable, Equatable, Codable {
    /// The region whose database holds the record.
    public var recordedBy: String
    /// The region that ran the check.
    public var runBy: String
    public var startedAt: Timestamp
    public var finishedAt: Timestamp
    /// `heads`, `full` or `continuous`.
    public var mode: String
    /// The origins whose copies were compared (from the run's scope; empty when it named none).
    public var origins: [String]
    /// `consistent`, `inconsistent` or `could_not_check`.
    public var result: String
    /// Number of findings, and the first few of them as one line each.
    public var findings: Int
    public var findingSummaries: [String]

    /// Creates a run.
    public init(
        recordedBy: String, runBy: String, startedAt: Timestamp, finishedAt: Timestamp, mode: String, origins: [String], result: String,
        findings: Int, findingSummaries: [String] = []
    ) {
        self.recordedBy = recordedBy
        self.runBy = runBy
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.mode = mode
        self.origins = origins
        self.result = result
        self.findings = findings
        self.findingSummaries = findingSummaries
    }

    enum CodingKeys: String, CodingKey {
        case mode, origins, result, findings
        case recordedBy = "recorded_by", runBy = "run_by", startedAt = "started_at", finishedAt = "finished_at"
        case findingSummaries = "finding_summaries"
    }
}
