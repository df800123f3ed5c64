import Foundation

/// `--format md`: the report as Markdown tables, figures rounded to 3 decimals (shares in
/// percent to 4); the JSON and CSV formats keep every digit.
public struct MarkdownReportRenderer: ComplianceReportRenderer {
    /// Creates the renderer.
    public init() {}

    public func render(_ report: ComplianceReport) throws -> [UInt8] {
        Array(text(report).utf8)
    }

    /// The Markdown text.
    public func text(_ r: ComplianceReport) -> String {
        var out: [String] = []
        let n = ReportText.rounded
        func table(_ header: [String], _ rows: [[String]]) {
            out.append("| " + header.joined(separator: " | ") + " |")
            out.append("|" + header.map { _ in "---" }.joined(separator: "|") + "|")
            for row in rows { out.append("| " + row.map(Self.cell).joined(separator: " | ") + " |") }
            if rows.isEmpty { out.append("| " + (["none"] + header.dropFirst().map { _ in "" }).joined(separator: " | ") + " |") }
            out.append("")
        }
        out.append("# Relay compliance report")
        out.append("")
        out.append("- Period: \(r.period.from.iso8601) → \(r.period.to.iso8601) (UTC, end excluded)")
        out.append("- Generated: \(r.generatedAt.iso8601) by \(Self.cell(r.generatedBy))")
        out.append("- Objective: \(ComplianceRules.percent(r.objective)) of the period within each origin's RPO target")
        out.append("- Format: \(r.format)")
        out.append("- **Overall verdict: \(ReportText.verdict(r.verdict))**")
        if !r.missingRegions.isEmpty {
            out.append("- **Missing regions** (their figures are unknown): "
                + r.missingRegions.map { "\($0.region) (\(Self.cell($0.reason ?? "no answer")))" }.joined(separator: ", "))
        }
        out.append("")
        out.append("## Regions")
        out.append("")
        table(
            ["region", "status", "RPO target s", "RTO target s", "sample interval s", "raw retention s", "reason"],
            r.regions.map { [$0.region, $0.status.rawValue, n($0.rpoTargetSeconds, 3), n($0.rtoTargetSeconds, 3),
                n($0.sampleIntervalSeconds, 3), n($0.rawRetentionSeconds, 3), $0.reason ?? ""] })
        out.append("## Verdicts")
        out.append("")
        table(
            ["target", "subject", "verdict", "required", "measured", "detail"],
            r.verdicts.map { [$0.target.rawValue, $0.subject, ReportText.verdict($0.verdict), n($0.required, 4), n($0.measured, 6), $0.detail] })
        out.append("## Replication lag per pair")
        out.append("")
        table(
            ["origin", "peer", "measured", "resolution", "approximate", "RPO target s", "samples",
             "p50 s", "p95 s", "p99 s", "max s", "p50 records", "p95 records", "p99 records", "max records",
             "period s", "covered s", "within target s", "gap s", "within target %", "breaches", "gaps",
             "batches shipped", "records shipped", "batches refused"],
            r.pairs.map { p in
                [p.origin, p.peer, p.measured ? "yes" : "no", p.resolution.rawValue, p.approximate ? "yes" : "no", n(p.rpoTargetSeconds, 3),
                 String(p.samples), n(p.lagSeconds.p50, 3), n(p.lagSeconds.p95, 3), n(p.lagSeconds.p99, 3), n(p.lagSeconds.max, 3),
                 n(p.lagRecords.p50, 3), n(p.lagRecords.p95, 3), n(p.lagRecords.p99, 3), n(p.lagRecords.max, 3),
                 n(p.periodSeconds, 3), n(p.coveredSeconds, 3), n(p.withinTargetSeconds, 3), n(p.gapSeconds, 3),
                 n(p.shareWithinTarget * 100, 4), String(p.breaches.count), String(p.gaps.count),
                 String(p.shipping.batchesShipped), String(p.shipping.recordsShipped), ReportText.refused(p.shipping)]
            })
        out.append("## Breaches")
        out.append("")
        table(
            ["origin", "peer", "start", "end", "ended by", "duration s", "peak s", "peak records", "samples"],
            r.pairs.flatMap { p in
                p.breaches.map { [p.origin, p.peer, $0.start.iso8601, $0.end.iso8601, $0.endedBy.rawValue, n($0.durationSeconds, 3),
                    n($0.peakSeconds, 3), String($0.peakRecords), String($0.samples)] }
            })
        out.append("## Sampling gaps")
        out.append("")
        table(
            ["origin", "peer", "start", "end", "duration s"],
            r.pairs.flatMap { p in p.gaps.map { [p.origin, p.peer, $0.start.iso8601, $0.end.iso8601, n($0.durationSeconds, 3)] } })
        out.append("## Switchovers, failovers, failbacks and drills")
        out.append("")
        table(
            ["at", "event", "kind", "from", "to", "outcome", "RTO s", "RTO target s", "RTO", "RPO records", "RPO s", "RPO target s", "RPO",
             "recorded by"],
            r.events.flatMap { e in
                [Self.eventRow(e, n)] + e.phases.map { Self.eventRow($0, n, phase: true) }
            })
        out.append("## Verification runs")
        out.append("")
        table(
            ["started", "finished", "recorded by", "run by", "mode", "origins", "result", "findings"],
            r.verificationRuns.map { [$0.startedAt.iso8601, $0.finishedAt.iso8601, $0.recordedBy, $0.runBy, $0.mode,
                $0.origins.joined(separator: " "), $0.result, String($0.findings)] })
        out.append("## Keys in force")
        out.append("")
        table(
            ["region", "purpose", "key id", "fingerprint (SHA-256 of the public key)", "valid from", "valid until"],
            r.keys.map { [$0.region, $0.purpose, $0.keyID, $0.fingerprint, $0.validFrom.iso8601, $0.validUntil?.iso8601 ?? "current"] })
        out.append("## Rules")
        out.append("")
        for rule in r.rules { out.append("- " + rule) }
        out.append("")
        return out.joined(separator: "\n")
    }

    private static func eventRow(_ e: ComplianceEvent, _ n: (Double?, Int) -> String, phase: Bool = false) -> [String] {
        [phase ? "" : e.at.iso8601, (phase ? "↳ " : "") + e.eventID, e.kind, e.from, e.to, e.outcome, n(e.rtoSeconds, 3), n(e.rtoTargetSeconds, 3),
         ReportText.verdict(e.rtoVerdict), e.rpoRecords.map(String.init) ?? "–", n(e.rpoSeconds, 3), n(e.rpoTargetSeconds, 3),
         ReportText.verdict(e.rpoVerdict), e.recordedBy]
    }

    /// A table cell: pipes escaped, one line.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
