/// How the text formats spell the report's values, shared so Markdown and CSV agree.
enum ReportText {
    /// A number exactly as the canonical JSON spells it (CSV: parses back to the same Double).
    static func exact(_ value: Double?) -> String {
        value.map { CanonicalJSON.serialize(number: $0) } ?? ""
    }

    /// A number rounded for reading (Markdown): up to 3 decimals.
    static func rounded(_ value: Double?, decimals: Int = 3) -> String {
        value.map { ComplianceRules.trimmed($0, decimals: decimals) } ?? "–"
    }

    /// `reason=count;reason=count`, reasons in order.
    static func refused(_ tally: ShippingTally) -> String {
        tally.batchesRefused.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
    }

    /// The verdict as a reader sees it.
    static func verdict(_ v: ComplianceVerdict) -> String {
        switch v {
        case .met: "met"
        case .notMet: "NOT MET"
        case .unknown: "unknown"
        case .notApplicable: "n/a"
        }
    }
}
