import AsyncHTTPClient
import Foundation
import RelayCore
import RelayReplication
import Testing

/// A compliance report over a live three-region run with a DR drill in it lists that drill, with
/// its phases and their measured RTO and RPO judged against the moved region's targets, in every
/// format.
extension MultiRegionSuites {
@Suite(.timeLimit(.minutes(5)))
struct ComplianceDrillTests {
    @Test func aReportOverARunWithADrillIncludesTheDrill() async throws {
        try await TestRegions.withCoordinator(token: "compliance-drill-admin-token-0123456789") { regions, client in
            let started = RelayClock.system.now()
            for i in 0..<10 { try await regions.decide(in: "r1", amount: Double(i)) }
            #expect(try await regions.waitUntilConverged())
            var options = Drill.Options(from: "r1", to: "r2", operatorName: "tester", reason: "quarterly drill")
            options.settle = .milliseconds(200)
            let drill = await Drill(regions: regions.regions, client: client, options: options, load: nil, say: { _ in }).run()
            #expect(drill.exitCode == 0, "\(drill.outcomeText) \(drill.steps.map(\.text))")
            try await Task.sleep(for: .seconds(1))
            let period = ReportPeriod(from: started.adding(microseconds: -1_000_000), to: RelayClock.system.now())
            let report = await ComplianceGathering(regions: regions.regions, client: HTTPClient.shared, timeout: .seconds(30)).report(
                period: period, objective: 0.999, generatedBy: "test", now: period.to)
            #expect(report.missingRegions.isEmpty, "\(report.regions)")
            let event = try #require(report.events.first { $0.kind == "drill" }, "events: \(report.events.map { "\($0.kind) \($0.eventID)" })")
            #expect(event.eventID == drill.eventID && event.from == "r1" && event.to == "r2" && event.outcome == "completed", "\(event)")
            #expect(event.phases.count >= 2, "the switchover and the failback: \(event.phases.map(\.kind))")
            #expect(event.rtoVerdict == .met && event.rpoVerdict == .met && event.rpoRecords == 0, "\(event)")
            #expect(event.rtoTargetSeconds == Double(regions.regions.region("r1")!.targets.rtoSeconds))
            #expect(report.verdicts.contains { $0.target == .rto && $0.subject == "r1" && $0.verdict == .met }, "\(report.verdicts)")
            // Every format names the drill.
            for format in ReportFormat.allCases {
                let text = String(decoding: try format.renderer.render(report), as: UTF8.self)
                #expect(text.contains(drill.eventID), "\(format.rawValue) does not name the drill")
            }
        }
    }
}
}
