import Foundation
import RelayCore

/// A report with every kind of row: pairs (raw, mixed, unmeasured), breaches, gaps, refusals,
/// events (switchover, forced failover, drill with phases), verification runs, keys, a missing region.
enum ComplianceFixture {
    static let from = try! Timestamp(iso8601: "2026-11-01T00:00:00Z")
    static let to = try! Timestamp(iso8601: "2026-12-01T00:00:00Z")
    static var period: ReportPeriod { ReportPeriod(from: from, to: to) }

    static func at(_ seconds: Double) -> Timestamp { from.adding(microseconds: Int64(seconds * 1e6)) }

    static func region(_ id: String, rpo: Int = 5, rto: Int = 300) -> Region {
        let key = try! SigningKey(seed: Array(repeating: UInt8(id.utf8.count), count: 32))
        return Region(
            id: id, gatewayURL: URL(string: "http://127.0.0.1:8081")!, drURL: URL(string: "http://127.0.0.1:9081")!,
            database: RegionDatabase(host: .literal("127.0.0.1")),
            keys: [RegionKey(purpose: .ledger, publicKey: key.publicKey, validFrom: Timestamp(microseconds: 0))],
            targets: RegionTargets(rpoSeconds: rpo, rtoSeconds: rto))
    }

    static func pair(_ origin: String, _ peer: String, within: Double, breaches: Int = 0, gaps: Int = 0) -> PairCompliance {
        let period = self.period.seconds
        return PairCompliance(
            origin: origin, peer: peer, rpoTargetSeconds: 5, resolution: breaches > 0 ? .mixed : .raw, approximate: breaches > 0,
            samples: 518_400, lagSeconds: LagFigures(p50: 0.173, p95: 0.81, p99: 1.2345678, max: 42.5),
            lagRecords: LagFigures(p50: 309, p95: 900, p99: 1215, max: 4576), periodSeconds: period, coveredSeconds: period - 40,
            withinTargetSeconds: within * period, gapSeconds: 40, shareWithinTarget: within, gapThresholdSeconds: 15,
            breaches: (0..<breaches).map { k in
                LagBreach(start: at(Double(k) * 3600), end: at(Double(k) * 3600 + 62.5), endedBy: k == 0 ? .recovered : .gap,
                          durationSeconds: 62.5, peakSeconds: 42.5, peakRecords: 4576, samples: 13)
            },
            gaps: (0..<gaps).map { k in SamplingGap(start: at(100_000 + Double(k) * 1000), end: at(100_040 + Double(k) * 1000), durationSeconds: 40) },
            shipping: ShippingTally(batchesShipped: 1234, recordsShipped: 99_000, batchesRefused: ["busy": 3, "unreachable, \"x\"": 1]),
            series: [LagPoint(at: from, maxSeconds: 1.5), LagPoint(at: at(8640), maxSeconds: 42.5)])
    }

    static func section(_ region: String, pairs: [PairCompliance], events: [ComplianceEvent] = []) -> ComplianceSection {
        ComplianceSection(
            region: region, period: period, generatedAt: to, sampleIntervalSeconds: 5, rawRetentionSeconds: 604_800, pairs: pairs,
            verificationRuns: [
                ComplianceVerificationRun(
                    recordedBy: region, runBy: region, startedAt: at(500), finishedAt: at(501.25), mode: "continuous", origins: [region],
                    result: "consistent", findings: 0)
            ], events: events)
    }

    static var report: ComplianceReport {
        let regions = [region("us-east-1"), region("eu-west-1", rpo: 10), region("ap-southeast-2")]
        let history: [JSONValue] = [
            ["action": "report", "at": .string(at(2000).iso8601), "event_id": "switchover:eu-west-1:1", "ledger": "eu-west-1",
             "report": ["kind": "switchover", "from": "us-east-1", "to": "eu-west-1", "outcome": "completed", "rto_ms": 1610, "rpo_records": 0]],
            ["action": "report", "at": .string(at(3000).iso8601), "event_id": "failover:us-east-1:2", "ledger": "us-east-1",
             "report": ["kind": "failover", "from": "eu-west-1", "to": "us-east-1", "outcome": "completed", "rto_ms": 400_000,
                        "accepted_loss": ["records": 12, "seconds": 2.5, "last_known_seq": 100]]],
            ["action": "fence", "at": .string(at(2500).iso8601), "event_id": "x", "ledger": "us-east-1"],
        ]
        let events = ComplianceEvent.fromHistory(history, period: period) { id in regions.first { $0.id == id }?.targets }
        return ComplianceReport.assemble(
            period: period, generatedAt: to, generatedBy: "relay-dr report (operator test)", objective: 0.999, regions: regions,
            sections: [
                section("us-east-1", pairs: [pair("us-east-1", "eu-west-1", within: 0.9995), pair("us-east-1", "ap-southeast-2", within: 0.98, breaches: 2, gaps: 1)], events: events),
                section("eu-west-1", pairs: [pair("eu-west-1", "us-east-1", within: 1), pair("eu-west-1", "ap-southeast-2", within: 0.9991)], events: events),
            ],
            missing: ["ap-southeast-2": "http://127.0.0.1:9083 did not answer: connection refused"])
    }
}
