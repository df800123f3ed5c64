import Foundation
import RelayCore
import RelayReplication
import Testing

/// A region lost to a forced failover that comes back: it starts fenced even before its
/// successor's takeover entry reaches it, and what it lost is exactly what the failover accepted
/// when its head had reached a peer before it died.
extension MultiRegionSuites.ForcedFailoverTests {
    /// The whole of r1 lost: its relay-dr stopped (so no batch reaches r1 or leaves it from now
    /// on), its PostgreSQL killed (kill -9), its gateway stopped.
    func loseR1(_ regions: TestRegions) async throws {
        await regions.stop("r1")
        try regions.node("r1").cluster.kill9()
        await regions.stopGateway("r1")
    }

    /// `failover --from r1 --to r2 --allow-data-loss`, which must complete.
    func failOverR1(_ regions: TestRegions, _ client: RegionClient) async throws -> FailoverReport {
        var options = Failover.Options(from: "r1", to: "r2", operatorName: "tester", reason: "r1 lost")
        options.allowDataLoss = true
        let failover = await Failover(regions: regions.regions, client: client, options: options, say: { _ in }).run()
        #expect(failover.outcome == .completed, "\(failover.outcomeText) \(failover.prechecks) \(failover.steps.map(\.text))")
        return failover
    }

    func stateOfR1(_ regions: TestRegions, at id: String) async throws -> String {
        try await sql(regions, id, "SELECT state FROM region_state WHERE region = 'r1'")
    }

    @Test func aRegionThatComesBackBeforeItsSuccessorCanTellItStartsFenced() async throws {
        try await withCluster { regions, client in
            _ = try await regions.decide(in: "r1")
            #expect(try await regions.waitUntilConverged())
            try await loseR1(regions)
            _ = try await failOverR1(regions, client)
            // r3 learns of the takeover; then r2 goes silent, so r1 cannot receive r2's takeover entry.
            #expect(try await until(.seconds(30)) { try await stateOfR1(regions, at: "r3") == "taken_over" })
            await regions.stop("r2")

            try await regions.node("r1").cluster.restart()
            // From its first statement on, r1's database refuses r1's writes: first because relay-dr
            // has not confirmed the restart (it is not even running), then because it fenced r1 on r3's word.
            await #expect(throws: (any Error).self) {
                _ = try await sql(regions, "r1", "INSERT INTO ledger_records (region, kind, subject, body) VALUES ('r1', 'manifest', 'stale', '\\x7b7d')")
            }
            regions.start("r1") { $0.adminToken = Self.token }
            #expect(try await until(.seconds(30)) { try await stateOfR1(regions, at: "r1") == "fenced" }, "r1 never fenced itself")
            let basis = try await sql(regions, "r1", "SELECT basis FROM region_rejoin WHERE region = 'r1'")
            #expect(basis.contains("r3 holds a takeover by r2"), "\(basis)")
            try await regions.startGateway("r1")
            let stale = try await staleValidate(regions)
            #expect(stale.status == 503 && stale.json["detail"]?.stringValue?.contains("fenced") == true, "\(stale.json)")

            // r2 is back: its takeover entry arrives and r1 knows who serves it; the failback works.
            regions.start("r2") { $0.adminToken = Self.token }
            #expect(try await until(.seconds(30)) { try await stateOfR1(regions, at: "r1") == "taken_over" })
            var back = Failback.Options(to: "r1", operatorName: "tester", reason: "r1 restored")
            back.catchUpTimeout = .seconds(60)
            let failback = await Failback(regions: regions.regions, client: client, options: back, say: { _ in }).run()
            #expect(failback.outcome == .completed, "\(failback.outcomeText) \(failback.prechecks) \(failback.steps.map(\.text))")
            #expect(failback.rpoRecords == 0)
            #expect(try await regions.waitUntilConverged(timeout: .seconds(90)))
            for n in regions.nodes {
                let result = try await LocalVerifier(database: n.database, region: n.id).run()
                #expect(result.consistent, "\(n.id): \(result.table)")
            }
        }
    }

    @Test func whenTheLostHeadHadReachedAPeerTheRealisedRPOEqualsTheAcceptedLoss() async throws {
        try await withCluster { regions, client in
            _ = try await regions.decide(in: "r1")
            #expect(try await regions.waitUntilConverged())
            // r2 hears nothing of r1's next records; r3 gets all of them.
            await regions.stop("r2")
            for amount in [10.0, 20, 30, 40, 50] { _ = try await regions.decide(in: "r1", amount: amount) }
            let head = { try await sql(regions, "r1", "SELECT coalesce(max(seq), 0) FROM ledger WHERE region = 'r1'") }
            // Every record of r1's chained, and r3 holds r1's head.
            let shipped = try await until(.seconds(30)) {
                let h = try await head()
                let held = try await sql(regions, "r3", "SELECT seq FROM replica_heads WHERE origin = 'r1'")
                let unchained = try await sql(
                    regions, "r1", "SELECT (SELECT count(*) FROM ledger_records WHERE region = 'r1') - (SELECT count(*) FROM ledger WHERE region = 'r1')")
                return held == h && unchained == "0"
            }
            #expect(shipped, "r3 never received r1's head")
            let r1Head = Int64(try await head()) ?? -1
            try await loseR1(regions)
            regions.start("r2") { $0.adminToken = Self.token }
            try await regions.waitUntilListening()

            let failover = try await failOverR1(regions, client)
            let loss = try #require(failover.acceptedLoss)
            let takeoverSeq = try #require(failover.takeoverSeq)
            #expect(loss.lastKnownSeq == r1Head && loss.records == r1Head - takeoverSeq && loss.records >= 5, "\(loss) head \(r1Head)")

            try await regions.node("r1").cluster.restart()
            regions.start("r1") { $0.adminToken = Self.token }
            #expect(try await until(.seconds(30)) { try await stateOfR1(regions, at: "r1") == "taken_over" })
            try await regions.startGateway("r1")
            var back = Failback.Options(to: "r1", operatorName: "tester", reason: "r1 restored")
            back.catchUpTimeout = .seconds(60)
            let failback = await Failback(regions: regions.regions, client: client, options: back, say: { _ in }).run()
            #expect(failback.outcome == .completed, "\(failback.outcomeText) \(failback.prechecks) \(failback.steps.map(\.text))")
            // Realised: r1's records the successor never had, counted now that r1 is back.
            #expect(failback.rpoRecords == loss.records, "failback counted \(failback.rpoRecords ?? -1), the failover accepted \(loss.records)")
            #expect(failback.strandedEntries.filter { $0["kind"] != "region_control" }.count == Int(loss.records))
            #expect(try await regions.waitUntilConverged(timeout: .seconds(90)))
        }
    }
}

