/// `--format html`: one self-contained page (inline CSS and SVG, no script, nothing fetched) that
/// reads on screen and printed to PDF: the verdicts, a lag chart with every pair and one per pair
/// (RPO target line, breaches shaded), the figures, breaches, gaps, events, verification runs and
/// keys. Numeric cells carry their exact value in `data-value`, and the canonical JSON is embedded
/// (`<script type="application/json" id="relay-compliance-report">`), so tools read the page back
/// without scraping rounded text.
public struct HTMLReportRenderer: ComplianceReportRenderer {
    /// Creates the renderer.
    public init() {}

    public func render(_ report: ComplianceReport) throws -> [UInt8] {
        let json = String(decoding: try report.canonicalJSON(), as: UTF8.self).replacingOccurrences(of: "</", with: "<\\/")
        let title = "Relay compliance report \(report.period.from.iso8601) – \(report.period.to.iso8601)"
        let page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(HTMLText.escape(title))</title>
            <style>\(Self.style)</style></head>
            <body>
            \(Self.body(report))
            <script type="application/json" id="relay-compliance-report">\(json)</script>
            </body></html>

            """
        return Array(page.utf8)
    }

    /// Shared with relay-dr's `/status` page.
    public static let style = """
        body{font:14px/1.4 system-ui,-apple-system,"DejaVu Sans",sans-serif;margin:24px;color:#222}
        h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
        table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
        th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
        .met{color:#1a7f37;font-weight:600}.not_met{color:#b42318;font-weight:700}.unknown{color:#9a6700;font-weight:600}.not_applicable{color:#666}
        .banner{padding:10px 14px;border:2px solid;display:inline-block;font-size:16px}
        .missing{background:#fff4e5;border:1px solid #f0b429;padding:8px 12px}
        svg{max-width:100%;height:auto}section.pair{page-break-inside:avoid}
        @media print{body{margin:8mm}h2{page-break-after:avoid}}
        """

    private static func body(_ r: ComplianceReport) -> String {
        let n = ReportText.rounded
        var out: [String] = []
        out.append("<h1>Relay compliance report</h1>")
        out.append(
            "<p>Period <b>\(r.period.from.iso8601)</b> to <b>\(r.period.to.iso8601)</b> (UTC, end excluded). "
                + "Generated \(r.generatedAt.iso8601) by \(HTMLText.escape(r.generatedBy)). "
                + "Objective: \(ComplianceRules.percent(r.objective)) of the period within each origin's RPO target.</p>")
        out.append("<p class=\"banner \(r.verdict.rawValue)\" id=\"overall-verdict\">Overall: \(ReportText.verdict(r.verdict))</p>")
        if !r.missingRegions.isEmpty {
            let names = r.missingRegions.map { "\(HTMLText.escape($0.region)) (\(HTMLText.escape($0.reason ?? "no answer")))" }
            out.append("<p class=\"missing\" id=\"missing-regions\"><b>Missing regions</b>, their figures unknown: \(names.joined(separator: ", "))</p>")
        }
        out.append("<h2>Verdicts</h2>")
        out.append(
            table(
                id: "verdicts", ["target", "subject", "verdict", "required", "measured", "detail"],
                r.verdicts.map { v in
                    [.text(v.target.rawValue), .text(v.subject), .verdict(v.verdict), .number(v.required, n(v.required, 4)),
                     .number(v.measured, n(v.measured, 6)), .text(v.detail)]
                }))
        out.append("<h2>Replication lag</h2>")
        out.append(chart(r.period, pairs: r.pairs.filter(\.measured), id: "lag-chart"))
        out.append(
            table(
                id: "pairs",
                ["pair", "resolution", "samples", "p50 s", "p95 s", "p99 s", "max s", "max records", "within target", "breaches", "gaps",
                 "batches shipped", "refused"],
                r.pairs.map { p in
                    [.text(p.name), .text(p.measured ? p.resolution.rawValue + (p.approximate ? " (approx.)" : "") : "not measured"),
                     .number(Double(p.samples), String(p.samples)), .number(p.lagSeconds.p50, n(p.lagSeconds.p50, 3)),
                     .number(p.lagSeconds.p95, n(p.lagSeconds.p95, 3)), .number(p.lagSeconds.p99, n(p.lagSeconds.p99, 3)),
                     .number(p.lagSeconds.max, n(p.lagSeconds.max, 3)), .number(p.lagRecords.max, n(p.lagRecords.max, 0)),
                     .number(p.shareWithinTarget, ComplianceRules.percent(p.shareWithinTarget)),
                     .number(Double(p.breaches.count), String(p.breaches.count)), .number(Double(p.gaps.count), String(p.gaps.count)),
                     .number(Double(p.shipping.batchesShipped), String(p.shipping.batchesShipped)), .text(ReportText.refused(p.shipping))]
                }))
        for p in r.pairs where p.measured {
            out.append("<section class=\"pair\"><h3>\(HTMLText.escape(p.name))</h3>")
            out.append(chart(r.period, pairs: [p], id: nil))
            out.append("</section>")
        }
        out.append("<h2>Breaches</h2>")
        out.append(
            table(
                id: "breaches", ["pair", "start", "end", "ended by", "duration s", "peak s", "peak records"],
                r.pairs.flatMap { p in
                    p.breaches.map { b in
                        [.text(p.name), .text(b.start.iso8601), .text(b.end.iso8601), .text(b.endedBy.rawValue),
                         .number(b.durationSeconds, n(b.durationSeconds, 3)), .number(b.peakSeconds, n(b.peakSeconds, 3)),
                         .number(Double(b.peakRecords), String(b.peakRecords))]
                    }
                }))
        out.append("<h2>Sampling gaps</h2><p>Time without samples counts as not within the target.</p>")
        out.append(
            table(
                id: "gaps", ["pair", "start", "end", "duration s"],
                r.pairs.flatMap { p in
                    p.gaps.map { [.text(p.name), .text($0.start.iso8601), .text($0.end.iso8601), .number($0.durationSeconds, n($0.durationSeconds, 3))] }
                }))
        out.append("<h2>Switchovers, failovers, failbacks and drills</h2>")
        out.append(
            table(
                id: "events", ["at", "event", "kind", "from → to", "outcome", "RTO s", "RTO target s", "RTO", "RPO records", "RPO s", "RPO"],
                r.events.flatMap { ([$0] + $0.phases).map(eventRow) }))
        out.append("<h2>Verification runs</h2>")
        out.append(
            table(
                id: "verification-runs", ["started", "recorded by", "run by", "mode", "origins", "result", "findings"],
                r.verificationRuns.map { v in
                    [.text(v.startedAt.iso8601), .text(v.recordedBy), .text(v.runBy), .text(v.mode), .text(v.origins.joined(separator: " ")),
                     .text(v.result), .number(Double(v.findings), String(v.findings))]
                }))
        out.append("<h2>Keys in force</h2>")
        out.append(
            table(
                id: "keys", ["region", "purpose", "key id", "fingerprint (SHA-256 of the public key)", "valid from", "valid until"],
                r.keys.map { k in
                    [.text(k.region), .text(k.purpose), .text(k.keyID), .text(k.fingerprint), .text(k.validFrom.iso8601),
                     .text(k.validUntil?.iso8601 ?? "current")]
                }))
        out.append("<h2>Rules</h2><ul>" + r.rules.map { "<li>\(HTMLText.escape($0))</li>" }.joined() + "</ul>")
        return out.joined(separator: "\n")
    }

    /// An event's row (or one of its phases').
    static func eventRow(_ e: ComplianceEvent) -> [Cell] {
        let n = ReportText.rounded
        let rpoRecords: Cell = .number(e.rpoRecords.map(Double.init), e.rpoRecords.map(String.init) ?? "–")
        return [
            .text(e.at.iso8601), .text(e.eventID), .text(e.kind), .text("\(e.from) → \(e.to)"), .text(e.outcome),
            .number(e.rtoSeconds, n(e.rtoSeconds, 3)), .number(e.rtoTargetSeconds, n(e.rtoTargetSeconds, 3)), .verdict(e.rtoVerdict),
            rpoRecords, .number(e.rpoSeconds, n(e.rpoSeconds, 3)), .verdict(e.rpoVerdict),
        ]
    }

    /// The chart of `pairs` over `period` (also relay-dr's `/status` page).
    public static func chart(_ period: ReportPeriod, pairs: [PairCompliance], id: String?) -> String {
        let series = pairs.map { p in
            LagChart.Series(
                label: p.name, points: p.series, targetSeconds: p.rpoTargetSeconds, breaches: p.breaches.map { ReportPeriod(from: $0.start, to: $0.end) })
        }
        // A bucket of the series spans period / points; a line breaks only where more than a
        // bucket and the pair's gap threshold passed without a point.
        let bucket = period.seconds / Double(max(1, pairs.map(\.series.count).max() ?? 1))
        let gap = max(bucket * 1.5, pairs.map(\.gapThresholdSeconds).max() ?? 0)
        return LagChart(from: period.from, to: period.to, series: series, gapSeconds: gap, id: id).svg
    }

    /// A table cell.
    public enum Cell {
        case text(String)
        /// A figure: its exact value in `data-value`, rounded for reading.
        case number(Double?, String)
        case verdict(ComplianceVerdict)
    }

    /// A table; an empty one says "none".
    public static func table(id: String, _ header: [String], _ rows: [[Cell]]) -> String {
        var out = "<table id=\"\(id)\"><thead><tr>" + header.map { "<th>\(HTMLText.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows {
            out += "<tr>"
            for cell in row {
                switch cell {
                case .text(let s): out += "<td>\(HTMLText.escape(s))</td>"
                case .number(let v, let s):
                    out += "<td class=\"num\"\(v.map { " data-value=\"\(CanonicalJSON.serialize(number: $0))\"" } ?? "")>\(HTMLText.escape(s))</td>"
                case .verdict(let v): out += "<td class=\"\(v.rawValue)\">\(ReportText.verdict(v))</td>"
                }
            }
            out += "</tr>"
        }
        if rows.isEmpty { out += "<tr><td colspan=\"\(header.count)\">none</td></tr>" }
        return out + "</tbody></table>"
    }
}
