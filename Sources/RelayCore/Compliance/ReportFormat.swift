/// The formats a compliance report is written in (`relay-dr report --format`).
public enum ReportFormat: String, Sendable, CaseIterable {
    /// Markdown tables (the default: readable in a terminal and in a ticket).
    case markdown = "md"
    /// The report's canonical JSON (what `--sign` signs best: it parses back to the model).
    case json
    /// One row per pair with every figure, then sections for breaches, gaps, events,
    /// verification runs, keys and verdicts (docs/compliance-report.md, "CSV layout").
    case csv
    /// A self-contained HTML page (no external resources) with a lag chart per pair.
    case html

    /// The renderer that writes this format.
    public var renderer: any ComplianceReportRenderer {
        switch self {
        case .markdown: MarkdownReportRenderer()
        case .json: JSONReportRenderer()
        case .csv: CSVReportRenderer()
        case .html: HTMLReportRenderer()
        }
    }

    /// The usual file name extension.
    public var fileExtension: String { rawValue }
}

/// Writes a compliance report in one format. Pure: the bytes depend on the report only.
public protocol ComplianceReportRenderer: Sendable {
    /// The report's bytes in this format.
    func render(_ report: ComplianceReport) throws -> [UInt8]
}

/// `--format json`: the canonical JSON.
public struct JSONReportRenderer: ComplianceReportRenderer {
    /// Creates the renderer.
    public init() {}

    public func render(_ report: ComplianceReport) throws -> [UInt8] {
        try report.canonicalJSON()
    }
}
