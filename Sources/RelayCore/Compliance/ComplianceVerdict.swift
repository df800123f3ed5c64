/// Whether a target was met over a report's period.
public enum ComplianceVerdict: String, Sendable, Equatable, Codable, CaseIterable {
    /// The numbers behind it meet the target.
    case met
    /// They do not.
    case notMet = "not_met"
    /// They cannot be known (a region did not answer, or the figure was not measured).
    case unknown
    /// The target does not apply (an event that moved nothing, a loss judged on another event).
    case notApplicable = "not_applicable"

    /// Combines verdicts of parts into the verdict of the whole: any `not_met` → `not_met`,
    /// else any `unknown` → `unknown`, else `met` when any part is `met`; parts that do not
    /// apply are ignored, and nothing left is `not_applicable`.
    public static func combining(_ parts: [ComplianceVerdict]) -> ComplianceVerdict {
        if parts.contains(.notMet) { return .notMet }
        if parts.contains(.unknown) { return .unknown }
        return parts.contains(.met) ? .met : .notApplicable
    }
}
