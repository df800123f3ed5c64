import Foundation

/// The verdict rules of a compliance report (docs/compliance-report.md, "Verdicts"): pure
/// functions of the measured figures and the targets.
public enum ComplianceRules {
    /// The default RPO objective: 99.9 % of the period within the target.
    public static let defaultObjective = 0.999

    /// The rules as stated in every report.
    public static func statements(objective: Double) -> [String] {
        [
            "RPO (per pair): met when the share of the period within the origin's rpo_seconds is at least the objective "
                + "(\(percent(objective))). Each sample stands for the time until the next one, at most the gap threshold; "
                + "time no sample stands for is a gap and counts as NOT within the target. Breaches and gaps are listed whatever the verdict. "
                + "A pair whose origin did not answer is unknown.",
            "RTO (per region moved): met when every switchover, failover, failback and drill that moved the region's traffic in the period "
                + "measured an RTO at most the region's rto_seconds; an event that completed without a measured RTO is unknown, one left "
                + "stuck is not met; a refused or rolled-back event moved nothing and does not count.",
            "Event RPO (per region moved): a switchover must lose nothing (0 records); a forced failover's loss (the accepted estimate, "
                + "in seconds of commits) must be at most the region's rpo_seconds; a failback's stranded records are listed as the realised "
                + "loss of the failover before it (judged there). A drill is judged on its moves.",
            "Overall: not met if any verdict is not met, else unknown if any is unknown (a region that did not answer), else met.",
        ]
    }

    /// The RPO verdict of one pair.
    public static func rpo(_ pair: PairCompliance, objective: Double) -> TargetVerdict {
        guard pair.measured else {
            return TargetVerdict(
                target: .rpo, subject: pair.name, verdict: .unknown, required: objective, measured: nil,
                detail: "\(pair.origin) did not answer: nothing is known of this pair in the period")
        }
        let verdict: ComplianceVerdict = pair.shareWithinTarget >= objective ? .met : .notMet
        var detail = "\(percent(pair.shareWithinTarget)) of the period within \(seconds(pair.rpoTargetSeconds)) (objective \(percent(objective)))"
        detail += "; \(pair.samples) sample(s)"
        if let max = pair.lagSeconds.max { detail += ", max lag \(seconds(max))" }
        detail += "; \(pair.breaches.count) breach(es)"
        if !pair.gaps.isEmpty || pair.gapSeconds > 0 {
            detail += ", \(pair.gaps.count) gap(s) totalling \(seconds(pair.gapSeconds))"
        }
        if pair.resolution == .minute || pair.resolution == .mixed { detail += " (\(pair.resolution.rawValue) resolution)" }
        return TargetVerdict(target: .rpo, subject: pair.name, verdict: verdict, required: objective, measured: pair.shareWithinTarget, detail: detail)
    }

    /// The region whose traffic an event moved: a failback hands the traffic back to `to`; every
    /// other move takes `from`'s traffic.
    public static func movedRegion(kind: String, from: String, to: String) -> String {
        kind == "failback" ? to : from
    }

    /// An event's RTO verdict.
    public static func rto(outcome: String, rtoSeconds: Double?, target: Double) -> ComplianceVerdict {
        switch outcome {
        case "completed": rtoSeconds.map { $0 <= target ? .met : .notMet } ?? .unknown
        case "stuck", "unfinished": .notMet
        default: .notApplicable
        }
    }

    /// An event's RPO verdict (drills: combine their phases).
    public static func eventRPO(kind: String, outcome: String, rpoRecords: Int64?, rpoSeconds: Double?, target: Double) -> ComplianceVerdict {
        guard outcome == "completed" || outcome == "stuck" || outcome == "unfinished" else { return .notApplicable }
        switch kind {
        case "switchover": return rpoRecords.map { $0 == 0 ? .met : .notMet } ?? (outcome == "completed" ? .met : .unknown)
        case "failover": return rpoSeconds.map { $0 <= target ? .met : .notMet } ?? .unknown
        case "failback": return .notApplicable
        default: return .unknown
        }
    }

    /// The RTO and event-RPO verdicts per region moved, over every event of the period.
    public static func eventVerdicts(_ events: [ComplianceEvent], regions: [RegionCoverage]) -> [TargetVerdict] {
        var out: [TargetVerdict] = []
        for region in regions {
            let moved = events.filter { movedRegion(kind: $0.kind, from: $0.from, to: $0.to) == region.region }
            guard !moved.isEmpty else { continue }
            let rtoParts = moved.map(\.rtoVerdict)
            let worstRTO = moved.compactMap(\.rtoSeconds).max()
            let counted = rtoParts.filter { $0 != .notApplicable }.count
            out.append(
                TargetVerdict(
                    target: .rto, subject: region.region, verdict: ComplianceVerdict.combining(rtoParts), required: region.rtoTargetSeconds,
                    measured: worstRTO,
                    detail: "\(counted) event(s) judged of \(moved.count); longest RTO \(worstRTO.map(seconds) ?? "not measured") "
                        + "(target \(seconds(region.rtoTargetSeconds)))"
                        + notMetList(moved.filter { $0.rtoVerdict == .notMet || $0.rtoVerdict == .unknown }, \.rtoVerdict)))
            let rpoParts = moved.map(\.rpoVerdict)
            let lost = moved.compactMap(\.rpoRecords).reduce(0, +)
            let worstSeconds = moved.compactMap(\.rpoSeconds).max()
            out.append(
                TargetVerdict(
                    target: .eventRPO, subject: region.region, verdict: ComplianceVerdict.combining(rpoParts), required: region.rpoTargetSeconds,
                    measured: worstSeconds ?? 0,
                    detail: "\(lost) record(s) lost over \(moved.count) event(s); largest forced-failover loss "
                        + "\(worstSeconds.map(seconds) ?? "none") (target \(seconds(region.rpoTargetSeconds)))"
                        + notMetList(moved.filter { $0.rpoVerdict == .notMet || $0.rpoVerdict == .unknown }, \.rpoVerdict)))
        }
        return out
    }

    private static func notMetList(_ events: [ComplianceEvent], _ verdict: KeyPath<ComplianceEvent, ComplianceVerdict>) -> String {
        guard !events.isEmpty else { return "" }
        return "; " + events.map { "\($0.kind) \($0.eventID) \($0[keyPath: verdict].rawValue.replacingOccurrences(of: "_", with: " "))" }
            .joined(separator: ", ")
    }

    /// `99.95 %` (up to four decimals, no trailing zeros).
    public static func percent(_ share: Double) -> String {
        "\(trimmed(share * 100, decimals: 4)) %"
    }

    /// `12.5 s`.
    public static func seconds(_ value: Double) -> String {
        "\(trimmed(value, decimals: 3)) s"
    }

    /// `value` with at most `decimals` decimals, trailing zeros dropped.
    public static func trimmed(_ value: Double, decimals: Int) -> String {
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
