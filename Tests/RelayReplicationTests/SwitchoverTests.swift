import AsyncHTTPClient
import Foundation
import RelayCore
import RelayReplication
import RelayStore
import Testing

/// `relay-dr switchover` against three live regions (relay-dr daemons and gateways): the fence,
/// the drain, the takeover, seal ownership moving with it, and the ways it must stop cleanly.
extension MultiRegionSuites {
@Suite(.timeLimit(.minutes(5)))
struct SwitchoverTests {
    static let token = "switchover-test-admin-token-0123456789"

    /// Three regions with admin tokens and gateways, and a coordinator's client for them.
    func withCluster(_ body: @Sendable (TestRegions, RegionClient) async throws -> Void) async throws {
        try await TestRegions.withCoordinator(token: Self.token, body)
    }

    func switchover(_ client: RegionClient, _ regions: TestRegions, from: String, to: String, dryRun: Bool = false, drainTimeout: Duration = .seconds(20)) async -> FailoverReport {
        var options = Switchover.Options(from: from, to: to, operatorName: "tester", reason: "test")
        options.dryRun = dryRun
        options.drainTimeout = drainTimeout
        return await Switchover(regions: regions.regions, client: client, options: options, say: { _ in }).run()
    }

    func gateway(_ regions: TestRegions, _ id: String) -> String { "http://127.0.0.1:\(regions.node(id).gatewayPort)" }

    /// An approved seal issued by `id`'s gateway.
    func validate(_ regions: TestRegions, in id: String) async throws -> HTTP.Reply {
        let body: JSONValue = [
            "manifest": [
                "agent": ["agent_id": "agent_s", "org_id": "org_s"],
                "action": ["provider": "stripe", "method": "create_payment", "parameters": ["amount": 100, "currency": "usd"]],
                "justification": ["reasoning": "switchover test"],
            ]
        ]
        return try await HTTP.post(gateway(regions, id) + "/v1/manifest/validate", body: CanonicalJSON.bytes(body))
    }

    func execute(_ regions: TestRegions, _ seal: String, in id: String) async throws -> Int {
        try await HTTP.post(gateway(regions, id) + "/v1/seal/mark-executed?seal_id=\(seal)", body: []).status
    }

    func sql(_ regions: TestRegions, _ id: String, _ query: String) async throws -> String {
        let n = regions.node(id)
        return try await n.cluster.psql(query, database: n.databaseName).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aSwitchoverMovesTheTrafficWithNothingLostAndNoSealExecutedTwice() async throws {
        try await withCluster { regions, client in
            var seals: [String] = []
            for _ in 0..<6 {
                let reply = try await validate(regions, in: "r1")
                try #require(reply.status == 200, "\(reply.json)")
                seals.append(try #require(reply.json["seal"]?["seal_id"]?.stringValue))
            }
            #expect(try await execute(regions, seals[0], in: "r1") == 200)

            // Clients try to execute every seal in every region throughout the switchover.
            let tried = seals
            let hammer = Task {
                var statuses: [Int] = []
                while !Task.isCancelled {
                    for seal in tried { for id in ["r1", "r2", "r3"] { statuses.append((try? await execute(regions, seal, in: id)) ?? 0) } }
                }
                return statuses
            }
            let report = await switchover(client, regions, from: "r1", to: "r2")
            hammer.cancel()
            let statuses = await hammer.value
            #expect(report.outcome == .completed, "\(report.outcomeText) \(report.steps.map(\.text))")
            #expect(report.exitCode == 0 && report.rtoMilliseconds != nil && report.epoch == 2)
            let failed = report.prechecks.filter { !$0.ok }
            #expect(failed.isEmpty, "\(failed)")

            // r1 no longer writes: through its gateway, and through SQL on its own database.
            #expect(try await validate(regions, in: "r1").status == 503)
            await #expect(throws: (any Error).self) {
                _ = try await sql(regions, "r1", "INSERT INTO ledger_records (region, kind, subject, body) VALUES ('r1', 'manifest', 'stale', '\\x7b7d')")
            }
            // r2 executes r1's remaining seals, also when asked through r1 or r3; nothing twice.
            for seal in seals { _ = try await execute(regions, seal, in: ["r1", "r3"].randomElement()!) }
            for seal in seals {
                let again = try await execute(regions, seal, in: "r2")
                #expect(again == 400, "\(seal) still executable: \(again)")
            }
            #expect(try await regions.waitUntilConverged())
            for seal in seals {
                var entries = 0
                for id in ["r1", "r2", "r3"] {
                    entries += Int(try await sql(regions, id, "SELECT count(*) FROM ledger_records WHERE kind = 'seal_executed' AND subject = '\(seal)'")) ?? 0
                }
                #expect(entries == 1, "\(seal): \(entries) executions in all ledgers (statuses seen: \(Set(statuses)))")
            }
            // Every region sees r1 taken over by r2 and routes r1's traffic there.
            for id in ["r1", "r2", "r3"] {
                let routing = try await HTTP.get("http://127.0.0.1:\(regions.node(id).drPort)/v1/routing")
                let r1 = routing.json["regions"]?.arrayValue?.first { $0["region"] == "r1" }
                #expect(r1?["state"] == "taken_over" && r1?["serving"] == "r2" && r1?["epoch"] == 2, "\(id): \(routing.json)")
            }
            // The history, as any region holds it: the fence in r1's ledger, the takeover in r2's.
            let history = try await HTTP.get("http://127.0.0.1:\(regions.node("r3").drPort)/v1/history")
            let steps = (history.json["entries"]?.arrayValue ?? []).filter { $0["event_id"]?.stringValue == report.eventID }
                .map { "\($0["action"]?.stringValue ?? "?")@\($0["ledger"]?.stringValue ?? "?")" }
            #expect(steps == ["fence@r1", "takeover@r2", "report@r2"], "\(history.json)")
            let measured = (history.json["entries"]?.arrayValue ?? []).first { $0["action"] == "report" }?["report"]
            #expect(measured?["rto_ms"]?.numberValue == report.rtoMilliseconds.map(Double.init) && measured?["rpo_records"] == 0, "\(history.json)")
            let listing = await RegionListing.gather(regions: regions.regions, client: client)
            #expect(listing.rows.first { $0.state.region == "r2" }?.servingFor == ["r1"], "\(listing.table)")
            // Every copy, rows and executions included: r1's seals executed by r2 are recorded in
            // r2's ledger, not r1's, in every region.
            let verdicts = await MultiRegionSuites.FullVerifyTests.verifier(regions).run()
            #expect(verdicts.allSatisfy { $0.status == .consistent }, "\(verdicts)")
        }
    }

    @Test func aDryRunPrintsThePlanAndChangesNothing() async throws {
        try await withCluster { regions, client in
            _ = try await validate(regions, in: "r1")
            #expect(try await regions.waitUntilConverged())
            let snapshot = { (id: String) in
                try await sql(regions, id, "SELECT (SELECT count(*) FROM region_state), (SELECT count(*) FROM ledger_records), (SELECT max(seq) FROM ledger)")
            }
            let before = try await [snapshot("r1"), snapshot("r2"), snapshot("r3")]
            let report = await switchover(client, regions, from: "r1", to: "r2", dryRun: true)
            #expect(report.outcome == .planned(failures: []), "\(report.outcomeText)")
            #expect(report.prechecks.count >= 7)
            #expect(try await [snapshot("r1"), snapshot("r2"), snapshot("r3")] == before)
            #expect(try await validate(regions, in: "r1").status == 200)
        }
    }

    @Test func aDrainThatTimesOutUnfencesTheSourceAndASecondCoordinatorIsRefused() async throws {
        try await withCluster { regions, client in
            _ = try await validate(regions, in: "r1")
            #expect(try await regions.waitUntilConverged())
            // r2 cannot apply r1's batches for a while: its replica head of r1 is locked.
            let holder = Task {
                try await sql(regions, "r2", "BEGIN; SELECT seq FROM replica_heads WHERE origin = 'r1' FOR UPDATE; SELECT pg_sleep(8); COMMIT;")
            }
            try await Task.sleep(for: .milliseconds(300))
            async let first = switchover(client, regions, from: "r1", to: "r2", drainTimeout: .seconds(3))
            try await Task.sleep(for: .milliseconds(1200))
            let second = await switchover(client, regions, from: "r1", to: "r3")
            guard case .refused(let failures) = second.outcome else {
                Issue.record("a second coordinator must be refused while r1 is fenced: \(second.outcomeText)")
                return
            }
            #expect(failures.contains { $0.contains("r1 active") }, "\(failures)")
            let report = await first
            guard case .abortedAndRolledBack(let reason) = report.outcome else {
                Issue.record("expected a rollback, got \(report.outcomeText)")
                return
            }
            #expect(reason.contains("drain timed out"))
            #expect(report.exitCode == 1)
            _ = try await holder.value
            // r1 serves again, and its later writes still reach the others.
            #expect(try await validate(regions, in: "r1").status == 200)
            #expect(try await regions.waitUntilConverged())
        }
    }

    @Test func aSwitchoverLeftHalfDoneIsResumedByRunningItAgain() async throws {
        try await withCluster { regions, client in
            _ = try await validate(regions, in: "r1")
            // A coordinator fenced r1 and died.
            let fence = try await client.control(
                "r1", ControlRequest(action: .fence, region: "r1", eventID: "switchover:r2:dead", operatorName: "gone", reason: "killed coordinator"))
            #expect(fence.ok, "\(fence.body)")
            #expect(try await validate(regions, in: "r1").status == 503)
            let report = await switchover(client, regions, from: "r1", to: "r2")
            #expect(report.eventID == "switchover:r2:dead")
            #expect(report.outcome == .completed, "\(report.outcomeText)")
            #expect(report.steps.first?.text.contains("resuming") == true)
        }
    }

    @Test func theControlEndpointRefusesWithoutTheTokenAndSaysWhy() async throws {
        try await TestRegions.with(["r1", "r2"]) { regions in
            try await regions.waitUntilListening()
            let url = "http://127.0.0.1:\(regions.node("r1").drPort)/v1/control"
            let body = CanonicalJSON.bytes(ControlRequest(action: .pause, region: "r1", eventID: "e", operatorName: "o", reason: "r").json)
            let disabled = try await HTTP.post(url, body: body)
            #expect(disabled.status == 403)
            #expect(disabled.json["detail"]?.stringValue?.contains("RELAY_DR_ADMIN_TOKEN") == true)
            let routing = try await HTTP.get("http://127.0.0.1:\(regions.node("r1").drPort)/v1/routing")
            #expect(routing.status == 200 && routing.json["regions"]?.arrayValue?.count == 2)
        }
    }
}
}
