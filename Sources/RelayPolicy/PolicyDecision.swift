/// Outcome of evaluating one manifest.
public struct PolicyDecision: Sendable, Equatable {
    /// True when the manifest may proceed (a seal will be issued).
    public var approved: Bool
    /// Why the manifest was denied; nil when approved.
    public var reason: String?
    /// Version of the policies that produced this decision (recorded in the seal and the audit trail).
    public var policyVersion: String

    /// Creates a decision.
    public init(approved: Bool, reason: String?, policyVersion: String) {
        self.approved = approved
        self.reason = reason
        self.policyVersion = policyVersion
    }
}
