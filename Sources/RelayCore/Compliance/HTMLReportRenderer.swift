import Foundation

/// `--format html`: a self-contained page (no external resources). The seam the HTML report is
/// built in: today it shows the Markdown tables as preformatted text and embeds the canonical
/// JSON (`<script type="application/json" id="relay-compliance-report">`) for tools; the styled
/// page with a lag chart per pair (from `PairCompliance.series`) replaces this body.
public struct HTMLReportRenderer: ComplianceReportRenderer {
    /// Creates the renderer.
    public init() {}

    public func render(_ report: ComplianceReport) throws -> [UInt8] {
        let json = String(decoding: try report.canonicalJSON(), as: UTF8.self).replacingOccurrences(of: "</", with: "<\\/")
        let title = "Relay compliance report \(report.period.from.iso8601) – \(report.period.to.iso8601)"
        let page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(Self.escape(title))</title></head>
            <body>
            <pre>\(Self.escape(MarkdownReportRenderer().text(report)))</pre>
            <script type="application/json" id="relay-compliance-report">\(json)</script>
            </body></html>

            """
        return Array(page.utf8)
    }

    /// Text made safe inside HTML elements and attributes.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
