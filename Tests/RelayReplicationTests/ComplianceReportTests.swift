import AsyncHTTPClient
import Foundation
import RelayCore
import RelayReplication
import RelayStore
import RelayTestSupport
import Testing

/// `relay-dr report` across three live regions: each relay-dr serves its section, the shippers'
/// counts reach the samples, a region that is down is named as missing (its pairs unknown), and
/// the signed report verifies while a one-byte change does not.
extension MultiRegionSuites {
@Suite(.timeLimit(.minutes(10)))
struct ComplianceReportTests {
    @Test func aReportNamesTheRegionThatIsDownAndItsSignatureHoldsOnlyForTheExactBytes() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ChainerProcess.executable), "build relay-dr first (swift build)")
        try await TemporaryDirectory.with(prefix: "relay-report-") { dir in
            try await TestRegions.with { regions in
                try DRProcess.writeConfig(regions, to: dir.url)
                for i in 0..<30 { try await regions.decide(in: "r1", amount: Double(i)) }
                #expect(try await regions.waitUntilConverged())
                try await Task.sleep(for: .seconds(2))  // a few samples (every 0.5 s here) after the batches
                let from = RelayClock.system.now().adding(microseconds: -7_200_000_000)
                // A known breach an hour ago (before the daemons sampled anything) in r1's samples
                // towards r2: 12 samples a second apart (the test daemons sample every 0.5 s) above the 5 s target, then nothing (a gap) until the daemons started.
                let n1 = regions.node("r1")
                _ = try await n1.cluster.psql(
                    """
                    INSERT INTO lag_samples (origin, peer, sampled_at, lag_records, lag_seconds)
                    SELECT 'r1', 'r2', now() - interval '3600 s' + k * interval '1 s', 100 + k, 9 + k FROM generate_series(0, 11) AS k
                    """, database: n1.databaseName)
                await regions.stop("r3")
                let period = ReportPeriod(from: from, to: RelayClock.system.now())
                let report = await ComplianceGathering(regions: regions.regions, client: HTTPClient.shared, timeout: .seconds(30)).report(
                    period: period, objective: 0.999, generatedBy: "test", now: period.to)

                #expect(report.regions.map(\.status) == [.included, .included, .missing])
                #expect(report.missingRegions.first?.reason?.contains("did not answer") == true)
                let r3 = report.pairs.filter { $0.origin == "r3" }
                #expect(r3.count == 2 && r3.allSatisfy { !$0.measured })
                #expect(report.verdicts.filter { $0.subject.hasPrefix("r3 →") }.allSatisfy { $0.verdict == .unknown })
                let r1r2 = try #require(report.pairs.first { $0.origin == "r1" && $0.peer == "r2" })
                #expect(r1r2.measured && r1r2.resolution == .raw && r1r2.samples > 12)
                #expect(r1r2.shipping.batchesShipped > 0 && r1r2.shipping.recordsShipped >= 30, "the shippers' counts reach the samples")
                let breach = try #require(r1r2.breaches.first)
                #expect(breach.peakSeconds == 20 && breach.peakRecords == 111 && breach.samples == 12 && breach.endedBy == .gap, "\(r1r2.breaches)")
                #expect(r1r2.gaps.count >= 2 && r1r2.shareWithinTarget < 0.5)
                #expect(ComplianceRules.rpo(r1r2, objective: 0.999).verdict == .notMet)
                #expect(report.verdict == .notMet)

                // The CLI: the same, written and signed with r1's ledger key; verified against the region files.
                let cli = VerifyCLI(regions: regions, config: dir.url)
                let out = dir.url.appendingPathComponent("report.json").path
                let written = try await cli.run(
                    as: "r1", ["--from", period.from.iso8601, "--to", period.to.iso8601, "--format", "json", "--out", out, "--sign", "--sign-key", "file:" + dir.url.appendingPathComponent("r1-ledger.key").path],
                    command: ["report"])
                #expect(written.status == 1, "written, verdict not met:\n\(written.stdout)\n\(written.stderr)")
                #expect(written.stderr.contains("missing regions: r3"))
                let file = try #require(FileManager.default.contents(atPath: out))
                let fromCLI = try ComplianceReport.decode(json: Array(file))
                #expect(fromCLI.missingRegions.map(\.region) == ["r3"])
                #expect(fromCLI.pairs.first { $0.origin == "r1" && $0.peer == "r2" }?.breaches == r1r2.breaches)

                let verified = try await cli.run(as: "r1", ["verify", out, out + ".sig"], command: ["report"])
                #expect(verified.status == 0, "\(verified.stdout)\n\(verified.stderr)")
                #expect(verified.stdout.contains("r1 ledger key"))
                var changed = Array(file)
                changed[changed.count / 2] ^= 0x20
                try Data(changed).write(to: URL(fileURLWithPath: out))
                let tampered = try await cli.run(as: "r1", ["verify", out, out + ".sig"], command: ["report"])
                #expect(tampered.status == 1 && tampered.stdout.contains("the file changed"), "\(tampered.stdout)\n\(tampered.stderr)")
                let unusable = try await cli.run(as: "r1", ["verify", out, out + ".missing"], command: ["report"])
                #expect(unusable.status == 2)
                let badDate = try await cli.run(as: "r1", ["--from", "yesterday"], command: ["report"])
                #expect(badDate.status == 2 && badDate.stderr.contains("--from 'yesterday'"))
            }
        }
    }
}
}
