import RelayCore

/// A synthetic report over one hour of three regions, one of them missing: a breach, a gap, a
/// drill with its phases, a verification run and a key, so every part of a rendering has content.
enum ReportFixture {
    static let from = Timestamp(microseconds: 1_800_000_000_000_000)
    static let period = ReportPeriod(from: from, to: at(3600))
    static func at(_ s: Double) -> Timestamp { from.adding(microseconds: Int64(s * 1e6)) }

    static func pair(_ origin: String, _ peer: String, breachAt: Double? = nil, gapAt: Double? = nil) -> PairCompliance {
        var points: [LagPoint] = []
        for i in 0..<300 {
            let t = Double(i) * 12
            if let g = gapAt, t >= g, t < g + 120 { continue }
            let inBreach = breachAt.map { t >= $0 && t < $0 + 60 } ?? false
            points.append(LagPoint(at: at(t), maxSeconds: inBreach ? 9.5 : 0.2 + Double(i % 7) / 10))
        }
        let breaches = breachAt.map {
            [LagBreach(start: at($0), end: at($0 + 60), endedBy: .recovered, durationSeconds: 60, peakSeconds: 9.5, peakRecords: 950, samples: 12)]
        } ?? []
        let gaps = gapAt.map { [SamplingGap(start: at($0), end: at($0 + 120), durationSeconds: 120)] } ?? []
        let within = 3600 - (breachAt == nil ? 0 : 60) - (gapAt == nil ? 0 : 120)
        return PairCompliance(
            origin: origin, peer: peer, rpoTargetSeconds: 5, resolution: .raw, samples: Int64(points.count * 2),
            lagSeconds: LagFigures(p50: 0.5, p95: 0.8, p99: breachAt == nil ? 0.8 : 9.5, max: breachAt == nil ? 0.8 : 9.5),
            lagRecords: LagFigures(p50: 50, p95: 80, p99: 90, max: breachAt == nil ? 90 : 950), periodSeconds: 3600,
            coveredSeconds: 3600 - (gapAt == nil ? 0 : 120), withinTargetSeconds: Double(within), gapSeconds: gapAt == nil ? 0 : 120,
            shareWithinTarget: Double(within) / 3600, gapThresholdSeconds: 15, breaches: breaches, gaps: gaps,
            shipping: ShippingTally(batchesShipped: 700, recordsShipped: 70_000, batchesRefused: breachAt == nil ? [:] : ["busy": 3]),
            series: points)
    }

    static var report: ComplianceReport {
        let regions = [
            RegionCoverage(region: "r1", status: .included, rpoTargetSeconds: 5, rtoTargetSeconds: 60, sampleIntervalSeconds: 5, rawRetentionSeconds: 604_800),
            RegionCoverage(region: "r2", status: .included, rpoTargetSeconds: 5, rtoTargetSeconds: 60, sampleIntervalSeconds: 5, rawRetentionSeconds: 604_800),
            RegionCoverage(region: "r3", status: .missing, reason: "connection refused <127.0.0.1>", rpoTargetSeconds: 5, rtoTargetSeconds: 60),
        ]
        let pairs = [
            pair("r1", "r2", breachAt: 1200), pair("r1", "r3"), pair("r2", "r1"), pair("r2", "r3", gapAt: 2400),
            .unmeasured(origin: "r3", peer: "r1", rpoTargetSeconds: 5, period: period),
            .unmeasured(origin: "r3", peer: "r2", rpoTargetSeconds: 5, period: period),
        ]
        let phase = ComplianceEvent(
            eventID: "drill-1/switchover", kind: "switchover", from: "r1", to: "r2", at: at(1800), outcome: "completed", rtoSeconds: 2.4,
            rtoTargetSeconds: 60, rtoVerdict: .met, rpoRecords: 0, rpoSeconds: 0, rpoTargetSeconds: 5, rpoVerdict: .met, recordedBy: "r2")
        let drill = ComplianceEvent(
            eventID: "drill-1", kind: "drill", from: "r1", to: "r2", at: at(1790), outcome: "completed", rtoSeconds: 2.4, rtoTargetSeconds: 60,
            rtoVerdict: .met, rpoRecords: 0, rpoSeconds: 0, rpoTargetSeconds: 5, rpoVerdict: .met, recordedBy: "r2", phases: [phase])
        let run = ComplianceVerificationRun(
            recordedBy: "r1", runBy: "r1", startedAt: at(600), finishedAt: at(601), mode: "full", origins: ["r1", "r2", "r3"], result: "consistent",
            findings: 0)
        let key = ComplianceKey(
            region: "r1", purpose: "ledger", keyID: "0123456789abcdef", fingerprint: String(repeating: "ab", count: 32),
            publicKey: String(repeating: "cd", count: 32), validFrom: at(-86_400), validUntil: nil)
        let verdicts = pairs.map { ComplianceRules.rpo($0, objective: 0.999) } + ComplianceRules.eventVerdicts([drill], regions: regions)
        return ComplianceReport(
            period: period, generatedAt: at(3700), generatedBy: "relay-dr report (tester@host)", objective: 0.999,
            rules: ComplianceRules.statements(objective: 0.999), regions: regions, pairs: pairs, verificationRuns: [run], events: [drill],
            keys: [key], verdicts: verdicts, verdict: ComplianceVerdict.combining(verdicts.map(\.verdict)))
    }
}
