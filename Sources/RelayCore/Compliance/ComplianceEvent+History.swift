extension ComplianceEvent {
    /// The events of a region's history (`GET /v1/history`'s `entries`): every `report` entry
    /// recorded in `period`, judged against the targets of the region it moved (`targets(id)`;
    /// nil for a region unknown to the region files: the verdicts are then `unknown`).
    public static func fromHistory(
        _ entries: [JSONValue], period: ReportPeriod, targets: (String) -> RegionTargets?
    ) -> [ComplianceEvent] {
        entries.compactMap { entry in
            guard entry["action"]?.stringValue == "report", let report = entry["report"], report["dry_run"]?.boolValue != true,
                let atText = entry["at"]?.stringValue, let at = try? Timestamp(iso8601: atText), period.contains(at)
            else { return nil }
            return event(
                report, id: entry["event_id"]?.stringValue ?? report["event_id"]?.stringValue ?? "?", at: at,
                recordedBy: entry["ledger"]?.stringValue ?? entry["region"]?.stringValue ?? "?", targets: targets)
        }
    }

    /// One event from its report (a drill's phases the same way, each judged on its own).
    static func event(_ report: JSONValue, id: String, at: Timestamp, recordedBy: String, targets: (String) -> RegionTargets?) -> ComplianceEvent {
        let kind = report["kind"]?.stringValue ?? "event"
        let from = report["from"]?.stringValue ?? "?"
        let to = report["to"]?.stringValue ?? "?"
        let outcome = report["outcome"]?.stringValue ?? "unfinished"
        let moved = ComplianceRules.movedRegion(kind: kind, from: from, to: to)
        let target = targets(moved)
        let rtoTarget = Double(target?.rtoSeconds ?? 0)
        let rpoTarget = Double(target?.rpoSeconds ?? 0)
        let rto = report["rto_ms"]?.numberValue.map { $0 / 1000 }
        var rpoRecords = report["rpo_records"]?.numberValue.map { Int64($0) }
        let lossSeconds = report["accepted_loss"]?["seconds"]?.numberValue
        if kind == "switchover", outcome == "completed", rpoRecords == nil { rpoRecords = 0 }
        let phases = (report["phases"]?.arrayValue ?? []).map { phase in
            event(
                .object(
                    (phase.objectValue ?? [:]).merging(["from": .string(from), "to": .string(to)]) { own, _ in own }
                        .merging(phase["kind"]?.stringValue == "failback" ? ["from": .string(to), "to": .string(from)] : [:]) { _, new in new }),
                id: phase["event_id"]?.stringValue ?? id, at: at, recordedBy: recordedBy, targets: targets)
        }
        var rtoVerdict = ComplianceRules.rto(outcome: outcome, rtoSeconds: rto, target: rtoTarget)
        var rpoVerdict = ComplianceRules.eventRPO(kind: kind, outcome: outcome, rpoRecords: rpoRecords, rpoSeconds: lossSeconds, target: rpoTarget)
        if kind == "drill", !phases.isEmpty {
            rtoVerdict = ComplianceVerdict.combining(phases.map(\.rtoVerdict))
            rpoVerdict = ComplianceVerdict.combining(phases.map(\.rpoVerdict))
        }
        if target == nil {
            if rtoVerdict != .notApplicable { rtoVerdict = .unknown }
            if rpoVerdict != .notApplicable { rpoVerdict = .unknown }
        }
        return ComplianceEvent(
            eventID: id, kind: kind, from: from, to: to, at: at, outcome: outcome,
            rtoSeconds: kind == "drill" ? phases.compactMap(\.rtoSeconds).max() ?? rto : rto, rtoTargetSeconds: rtoTarget,
            rtoVerdict: rtoVerdict, rpoRecords: rpoRecords, rpoSeconds: kind == "drill" ? phases.compactMap(\.rpoSeconds).max() : lossSeconds,
            rpoTargetSeconds: rpoTarget, rpoVerdict: rpoVerdict, recordedBy: recordedBy, phases: phases)
    }
}
