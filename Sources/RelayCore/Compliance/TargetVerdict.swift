/// The verdict on one target, with the numbers behind it.
public struct TargetVerdict: Sendable, Equatable, Codable {
    /// Which target.
    public enum Target: String, Sendable, Equatable, Codable {
        /// A pair's share of time within the origin's RPO target, against the objective.
        case rpo
        /// Every event's measured RTO against the moved region's RTO target.
        case rto
        /// Every event's realised loss against the moved region's RPO target.
        case eventRPO = "event_rpo"
    }

    public var target: Target
    /// What the verdict is about: a pair (`us-east-1 → eu-west-1`) or a region (`us-east-1`).
    public var subject: String
    public var verdict: ComplianceVerdict
    /// What was required and what was measured, as numbers (nil when nothing was measured).
    public var required: Double?
    public var measured: Double?
    /// One sentence with the numbers, e.g. "99.95 % of the period within 5 s (objective 99.9 %);
    /// 2 breaches, 1 gap of 40 s".
    public var detail: String

    /// Creates a verdict.
    public init(target: Target, subject: String, verdict: ComplianceVerdict, required: Double?, measured: Double?, detail: String) {
        self.target = target
        self.subject = subject
        self.verdict = verdict
        self.required = required
        self.measured = measured
        self.detail = detail
    }
}
