/// `--format csv` (RFC 4180, CRLF line ends): sections, each a line `#section,<name>`, a header
/// row, its rows and an empty line, in this order: `report` (key,value), `regions`, `pairs`
/// (one row per pair with every figure), `breaches`, `gaps`, `events` (a drill's moves follow it
/// with `phase_of` set), `verification_runs`, `keys`, `verdicts`. Numbers are spelled as in the
/// canonical JSON, so they parse back to the same values; an empty cell is an absent value.
public struct CSVReportRenderer: ComplianceReportRenderer {
    /// Creates the renderer.
    public init() {}

    /// The column names of the `pairs` section.
    public static let pairColumns = [
        "origin", "peer", "measured", "resolution", "approximate", "rpo_target_seconds", "samples",
        "lag_seconds_p50", "lag_seconds_p95", "lag_seconds_p99", "lag_seconds_max",
        "lag_records_p50", "lag_records_p95", "lag_records_p99", "lag_records_max",
        "period_seconds", "covered_seconds", "within_target_seconds", "gap_seconds", "share_within_target", "gap_threshold_seconds",
        "breaches", "gaps", "batches_shipped", "records_shipped", "batches_refused", "rpo_verdict",
    ]

    public func render(_ report: ComplianceReport) throws -> [UInt8] {
        Array(text(report).utf8)
    }

    /// The CSV text.
    public func text(_ r: ComplianceReport) -> String {
        var lines: [String] = []
        let x = ReportText.exact
        func section(_ name: String, _ header: [String], _ rows: [[String]]) {
            lines.append(Self.line(["#section", name]))
            lines.append(Self.line(header))
            lines += rows.map(Self.line)
            lines.append("")
        }
        section(
            "report", ["key", "value"],
            [["format", r.format], ["from", r.period.from.iso8601], ["to", r.period.to.iso8601], ["generated_at", r.generatedAt.iso8601],
             ["generated_by", r.generatedBy], ["objective", x(r.objective)], ["verdict", r.verdict.rawValue]])
        section(
            "regions", ["region", "status", "reason", "rpo_target_seconds", "rto_target_seconds", "sample_interval_seconds", "raw_retention_seconds"],
            r.regions.map { [$0.region, $0.status.rawValue, $0.reason ?? "", x($0.rpoTargetSeconds), x($0.rtoTargetSeconds),
                x($0.sampleIntervalSeconds), x($0.rawRetentionSeconds)] })
        let rpoVerdicts = Dictionary(
            r.verdicts.filter { $0.target == .rpo }.map { ($0.subject, $0.verdict.rawValue) }, uniquingKeysWith: { first, _ in first })
        section(
            "pairs", Self.pairColumns,
            r.pairs.map { p in
                [p.origin, p.peer, String(p.measured), p.resolution.rawValue, String(p.approximate), x(p.rpoTargetSeconds), String(p.samples),
                 x(p.lagSeconds.p50), x(p.lagSeconds.p95), x(p.lagSeconds.p99), x(p.lagSeconds.max),
                 x(p.lagRecords.p50), x(p.lagRecords.p95), x(p.lagRecords.p99), x(p.lagRecords.max),
                 x(p.periodSeconds), x(p.coveredSeconds), x(p.withinTargetSeconds), x(p.gapSeconds), x(p.shareWithinTarget),
                 x(p.gapThresholdSeconds), String(p.breaches.count), String(p.gaps.count), String(p.shipping.batchesShipped),
                 String(p.shipping.recordsShipped), ReportText.refused(p.shipping), rpoVerdicts[p.name] ?? ""]
            })
        section(
            "breaches", ["origin", "peer", "start", "end", "ended_by", "duration_seconds", "peak_seconds", "peak_records", "samples"],
            r.pairs.flatMap { p in
                p.breaches.map { [p.origin, p.peer, $0.start.iso8601, $0.end.iso8601, $0.endedBy.rawValue, x($0.durationSeconds),
                    x($0.peakSeconds), String($0.peakRecords), String($0.samples)] }
            })
        section(
            "gaps", ["origin", "peer", "start", "end", "duration_seconds"],
            r.pairs.flatMap { p in p.gaps.map { [p.origin, p.peer, $0.start.iso8601, $0.end.iso8601, x($0.durationSeconds)] } })
        func eventRow(_ e: ComplianceEvent, phaseOf: String) -> [String] {
            [e.eventID, phaseOf, e.kind, e.from, e.to, e.at.iso8601, e.outcome, x(e.rtoSeconds), x(e.rtoTargetSeconds), e.rtoVerdict.rawValue,
             e.rpoRecords.map(String.init) ?? "", x(e.rpoSeconds), x(e.rpoTargetSeconds), e.rpoVerdict.rawValue, e.recordedBy]
        }
        section(
            "events",
            ["event_id", "phase_of", "kind", "from", "to", "at", "outcome", "rto_seconds", "rto_target_seconds", "rto_verdict", "rpo_records",
             "rpo_seconds", "rpo_target_seconds", "rpo_verdict", "recorded_by"],
            r.events.flatMap { e in [eventRow(e, phaseOf: "")] + e.phases.map { eventRow($0, phaseOf: e.eventID) } })
        section(
            "verification_runs", ["recorded_by", "run_by", "started_at", "finished_at", "mode", "origins", "result", "findings"],
            r.verificationRuns.map { [$0.recordedBy, $0.runBy, $0.startedAt.iso8601, $0.finishedAt.iso8601, $0.mode,
                $0.origins.joined(separator: " "), $0.result, String($0.findings)] })
        section(
            "keys", ["region", "purpose", "key_id", "fingerprint", "public_key", "valid_from", "valid_until"],
            r.keys.map { [$0.region, $0.purpose, $0.keyID, $0.fingerprint, $0.publicKey, $0.validFrom.iso8601, $0.validUntil?.iso8601 ?? ""] })
        section(
            "verdicts", ["target", "subject", "verdict", "required", "measured", "detail"],
            r.verdicts.map { [$0.target.rawValue, $0.subject, $0.verdict.rawValue, x($0.required), x($0.measured), $0.detail] })
        return lines.joined(separator: "\r\n")
    }

    /// One CSV line; fields with a comma, quote or line break are quoted.
    static func line(_ fields: [String]) -> String {
        fields.map { f in
            f.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + f.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\"" : f
        }.joined(separator: ",")
    }
}
