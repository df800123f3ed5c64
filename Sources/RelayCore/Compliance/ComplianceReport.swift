/// A compliance report over a period, across every region of a deployment
/// (docs/compliance-report.md): per pair lag figures, breaches and gaps; verification runs;
/// switchovers, failovers and drills with their RTO/RPO; the keys in force; a verdict per target
/// with the numbers behind it. Pure data: every format (JSON, Markdown, CSV, HTML) and the
/// `/status` page are renderings of this value, and its canonical JSON is what `--sign` signs.
public struct ComplianceReport: Sendable, Equatable, Codable {
    public static let format = "relay-compliance-report-v1"

    /// `relay-compliance-report-v1`.
    public var format: String
    public var period: ReportPeriod
    public var generatedAt: Timestamp
    /// Who made it: `relay-dr report` with the operator and host it ran as.
    public var generatedBy: String
    /// The RPO objective: the share of the period (0…1) a pair must be within its target.
    public var objective: Double
    /// The verdict rules, as sentences (the same in every report and in the docs).
    public var rules: [String]
    /// Every region of the deployment, included or missing (never silently left out).
    public var regions: [RegionCoverage]
    /// Every pair (origin → peer) of the deployment, in origin then peer order; pairs of a
    /// missing origin are listed with `measured` false.
    public var pairs: [PairCompliance]
    public var verificationRuns: [ComplianceVerificationRun]
    public var events: [ComplianceEvent]
    public var keys: [ComplianceKey]
    public var verdicts: [TargetVerdict]
    /// All verdicts combined: `not_met` if any is, else `unknown` if any is, else `met`.
    public var verdict: ComplianceVerdict

    /// Creates a report.
    public init(
        period: ReportPeriod, generatedAt: Timestamp, generatedBy: String, objective: Double, rules: [String], regions: [RegionCoverage],
        pairs: [PairCompliance], verificationRuns: [ComplianceVerificationRun], events: [ComplianceEvent], keys: [ComplianceKey],
        verdicts: [TargetVerdict], verdict: ComplianceVerdict
    ) {
        self.format = Self.format
        self.period = period
        self.generatedAt = generatedAt
        self.generatedBy = generatedBy
        self.objective = objective
        self.rules = rules
        self.regions = regions
        self.pairs = pairs
        self.verificationRuns = verificationRuns
        self.events = events
        self.keys = keys
        self.verdicts = verdicts
        self.verdict = verdict
    }

    /// The regions whose relay-dr did not answer.
    public var missingRegions: [RegionCoverage] { regions.filter { $0.status == .missing } }

    enum CodingKeys: String, CodingKey {
        case format, period, objective, rules, regions, pairs, events, keys, verdicts, verdict
        case generatedAt = "generated_at", generatedBy = "generated_by", verificationRuns = "verification_runs"
    }
}
