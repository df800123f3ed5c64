extension ComplianceReport {
    /// Merges the sections of the regions that answered into one report, naming every region
    /// that did not (`missing`: region → reason) and listing its pairs as unmeasured.
    ///
    /// - Parameters:
    ///   - regions: every region of the deployment, from the region files (targets and keys).
    ///   - sections: the answers, one per region that answered.
    ///   - missing: the regions that did not answer, with why.
    public static func assemble(
        period: ReportPeriod, generatedAt: Timestamp, generatedBy: String, objective: Double, regions: [Region],
        sections: [ComplianceSection], missing: [String: String]
    ) -> ComplianceReport {
        let byRegion = Dictionary(sections.map { ($0.region, $0) }, uniquingKeysWith: { first, _ in first })
        var coverage: [RegionCoverage] = []
        var pairs: [PairCompliance] = []
        for region in regions {
            let rpo = Double(region.targets.rpoSeconds)
            let rto = Double(region.targets.rtoSeconds)
            if let section = byRegion[region.id] {
                coverage.append(
                    RegionCoverage(
                        region: region.id, status: .included, rpoTargetSeconds: rpo, rtoTargetSeconds: rto,
                        sampleIntervalSeconds: section.sampleIntervalSeconds, rawRetentionSeconds: section.rawRetentionSeconds))
                var own = Dictionary(section.pairs.map { ($0.peer, $0) }, uniquingKeysWith: { first, _ in first })
                for peer in regions where peer.id != region.id {
                    // A peer the origin has no shipper for (yet) had nothing sampled: the whole period is a gap.
                    pairs.append(
                        own.removeValue(forKey: peer.id)
                            ?? PairCompliance(
                                origin: region.id, peer: peer.id, rpoTargetSeconds: rpo, resolution: .none, samples: 0, lagSeconds: .none,
                                lagRecords: .none, periodSeconds: period.seconds, coveredSeconds: 0, withinTargetSeconds: 0,
                                gapSeconds: period.seconds, shareWithinTarget: 0, gapThresholdSeconds: 3 * section.sampleIntervalSeconds,
                                gaps: period.seconds > 0 ? [SamplingGap(start: period.from, end: period.to, durationSeconds: period.seconds)] : []))
                }
                pairs += own.values.sorted { $0.peer < $1.peer }
            } else {
                coverage.append(
                    RegionCoverage(
                        region: region.id, status: .missing, reason: missing[region.id] ?? "no answer", rpoTargetSeconds: rpo,
                        rtoTargetSeconds: rto))
                for peer in regions where peer.id != region.id {
                    pairs.append(.unmeasured(origin: region.id, peer: peer.id, rpoTargetSeconds: rpo, period: period))
                }
            }
        }
        // Every region holds every region's event reports (they are replicated): keep one of each.
        var seen = Set<String>()
        let events = sections.flatMap(\.events).sorted { ($0.at, $0.eventID) < ($1.at, $1.eventID) }.filter { seen.insert($0.eventID).inserted }
        let runs = sections.flatMap(\.verificationRuns).sorted { ($0.startedAt, $0.recordedBy) < ($1.startedAt, $1.recordedBy) }
        let keys = regions.flatMap { region in
            region.keys.filter { key in key.validFrom < period.to && (key.validUntil.map { $0 > period.from } ?? true) }
                .map { ComplianceKey(region: region.id, key: $0) }
        }.sorted { ($0.region, $0.purpose, $0.validFrom, $0.keyID) < ($1.region, $1.purpose, $1.validFrom, $1.keyID) }
        let verdicts = pairs.map { ComplianceRules.rpo($0, objective: objective) } + ComplianceRules.eventVerdicts(events, regions: coverage)
        return ComplianceReport(
            period: period, generatedAt: generatedAt, generatedBy: generatedBy, objective: objective,
            rules: ComplianceRules.statements(objective: objective), regions: coverage, pairs: pairs, verificationRuns: runs, events: events,
            keys: keys, verdicts: verdicts, verdict: ComplianceVerdict.combining(verdicts.map(\.verdict)))
    }
}
