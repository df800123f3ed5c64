import AsyncHTTPClient
import Foundation
import RelayCore
import RelayReplication
import RelayStore
import Synchronization
import Testing

/// `relay-dr failover --allow-data-loss` and `relay-dr failback` against three live regions under
/// validate + execute load: r1's PostgreSQL is killed (kill -9) and its gateway stopped, r2 takes
/// r1 over, r1 comes back taken over, and fails back with its stranded records listed.
extension MultiRegionSuites {
@Suite(.timeLimit(.minutes(5)))
struct ForcedFailoverTests {
    static let token = "failover-test-admin-token-0123456789"

    /// What the clients saw: every manifest acknowledged, where, and its seal.
    final class Load: Sendable {
        struct Ack: Sendable {
            let manifestID: String
            let region: String
            let sealID: String?
        }
        let acks = Mutex<[Ack]>([])
        let statuses = Mutex<[Int: Int]>([:])
        let target = Mutex("r1")
    }

    func gateway(_ regions: TestRegions, _ id: String) -> String { "http://127.0.0.1:\(regions.node(id).gatewayPort)" }

    func sql(_ regions: TestRegions, _ id: String, _ query: String) async throws -> String {
        let n = regions.node(id)
        return try await n.cluster.psql(query, database: n.databaseName).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// r1's traffic: a validate every 15 ms at the region serving r1 (as DNS would send it).
    func validating(_ regions: TestRegions, _ load: Load) -> Task<Void, Never> {
        Task {
            var n = 0
            while !Task.isCancelled {
                n += 1
                let region = load.target.withLock { $0 }
                let id = UUID().uuidString.lowercased()
                let body: JSONValue = [
                    "manifest": [
                        "manifest_id": .string(id), "agent": ["agent_id": "agent_f", "org_id": "org_f"],
                        "action": ["provider": "stripe", "method": "create_payment", "parameters": ["amount": 100, "currency": "usd"]],
                        "justification": ["reasoning": .string("failover test \(n)")],
                    ]
                ]
                if let reply = try? await HTTP.post(gateway(regions, region) + "/v1/manifest/validate", body: CanonicalJSON.bytes(body)) {
                    load.statuses.withLock { $0[reply.status, default: 0] += 1 }
                    if reply.status == 200 {
                        load.acks.withLock { $0.append(.init(manifestID: id, region: region, sealID: reply.json["seal"]?["seal_id"]?.stringValue)) }
                    }
                }
                try? await Task.sleep(for: .milliseconds(15))
            }
        }
    }

    /// Clients trying to execute every seal seen so far in every region, over and over.
    func executing(_ regions: TestRegions, _ load: Load) -> Task<Void, Never> {
        Task {
            while !Task.isCancelled {
                let seals = load.acks.withLock { $0.compactMap(\.sealID) }.suffix(40)
                for seal in seals {
                    for id in ["r1", "r2", "r3"] {
                        _ = try? await HTTP.post(gateway(regions, id) + "/v1/seal/mark-executed?seal_id=\(seal)", body: [])
                    }
                }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Three regions with admin tokens and gateways, and a coordinator's client for them.
    func withCluster(_ body: @Sendable (TestRegions, RegionClient) async throws -> Void) async throws {
        try await TestRegions.withCoordinator(token: Self.token, body)
    }

    @Test func aForcedFailoverAndFailbackLoseOnlyTheListedRecordsAndNoSealRunsTwice() async throws {
        try await withCluster { regions, client in try await forcedScenario(regions, client) }
    }

    @Test func aSwitchoverAndItsFailbackUnderLoadLoseNothingAndNoSealRunsTwice() async throws {
        try await withCluster { regions, client in
            let load = Load()
            let validator = validating(regions, load)
            let executor = executing(regions, load)
            try await Task.sleep(for: .seconds(2))
            let moved = await Switchover(
                regions: regions.regions, client: client, options: .init(from: "r1", to: "r2", operatorName: "tester", reason: "test"), say: { _ in }
            ).run()
            #expect(moved.outcome == .completed, "\(moved.outcomeText) \(moved.steps.map(\.text))")
            load.target.withLock { $0 = "r2" }
            try await Task.sleep(for: .seconds(2))
            let back = await Failback(regions: regions.regions, client: client, options: .init(to: "r1", operatorName: "tester", reason: "test"), say: { _ in }).run()
            #expect(back.outcome == .completed, "\(back.outcomeText) \(back.prechecks) \(back.steps.map(\.text))")
            #expect(back.rpoRecords == 0 && back.strandedEntries.isEmpty && back.epoch == 3)
            load.target.withLock { $0 = "r1" }
            try await Task.sleep(for: .seconds(1))
            validator.cancel()
            executor.cancel()
            _ = await (validator.value, executor.value)
            // r1 serves and executes its own seals again.
            #expect(try await sql(regions, "r1", "SELECT state FROM region_state WHERE region = 'r1'") == "active")
            try await expectNothingLostAndConsistent(regions, load)
            let history = try await HTTP.get("http://127.0.0.1:\(regions.node("r3").drPort)/v1/history")
            for event in [moved, back] {
                let report = (history.json["entries"]?.arrayValue ?? []).first { $0["event_id"]?.stringValue == event.eventID && $0["action"] == "report" }
                #expect(report?["report"]?["rto_ms"]?.numberValue != nil && report?["report"]?["rpo_records"] == 0, "\(event.kind): \(history.json)")
            }
        }
    }

    /// Every row of every table of every region, as one digest per region (but the lag samples,
    /// which relay-dr writes every half second whatever happens).
    func fingerprints(_ regions: TestRegions) async throws -> [String] {
        var out: [String] = []
        for n in regions.nodes {
            let tables = try await sql(
                regions, n.id, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'lag_samples' ORDER BY tablename"
            ).split(separator: "\n")
            var digest = ""
            for table in tables {
                digest += try await sql(regions, n.id, "SELECT '\(table)=' || count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') || ' ' FROM \(table) t")
            }
            out.append(digest)
        }
        return out
    }

    @Test func dryRunsChangeNoTableAnywhere() async throws {
        try await withCluster { regions, client in
            try await regions.decide(in: "r1")
            #expect(try await regions.waitUntilConverged())
            let before = try await fingerprints(regions)
            var switchover = Switchover.Options(from: "r1", to: "r2", operatorName: "tester", reason: "test")
            switchover.dryRun = true
            let plannedMove = await Switchover(regions: regions.regions, client: client, options: switchover, say: { _ in }).run()
            #expect(plannedMove.outcome == .planned(failures: []), "\(plannedMove.outcomeText)")
            var failover = Failover.Options(from: "r1", to: "r2", operatorName: "tester", reason: "test")
            failover.dryRun = true
            failover.allowDataLoss = true
            let forced = await Failover(regions: regions.regions, client: client, options: failover, say: { _ in }).run()
            // r1 answers: the plan says to use a switchover.
            #expect(forced.outcome == .planned(failures: forced.prechecks.filter { !$0.ok }.map { "\($0.name): \($0.detail)" }))
            #expect(forced.prechecks.contains { $0.name == "r1 unreachable" && !$0.ok && $0.detail.contains("switchover") })
            var failback = Failback.Options(to: "r1", operatorName: "tester", reason: "test")
            failback.dryRun = true
            let back = await Failback(regions: regions.regions, client: client, options: failback, say: { _ in }).run()
            #expect(back.exitCode == 1 && back.prechecks.contains { $0.name == "r1 taken over" && !$0.ok })
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await fingerprints(regions) == before)
        }
    }

    func forcedScenario(_ regions: TestRegions, _ client: RegionClient) async throws {
        let load = Load()
        let validator = validating(regions, load)
        let executor = executing(regions, load)

        // r1 is lost under load: its PostgreSQL killed, its gateway gone.
        try await Task.sleep(for: .seconds(2))
        try regions.node("r1").cluster.kill9()
        await regions.stopGateway("r1")

        // Without the acknowledgement, nothing happens.
        var options = Failover.Options(from: "r1", to: "r2", operatorName: "tester", reason: "r1 lost")
        let refused = await Failover(regions: regions.regions, client: client, options: options, say: { _ in }).run()
        #expect(refused.exitCode == 1 && refused.prechecks.contains { $0.name == "--allow-data-loss given" && !$0.ok })

        options.allowDataLoss = true
        let failover = await Failover(regions: regions.regions, client: client, options: options, say: { _ in }).run()
        #expect(failover.outcome == .completed, "\(failover.outcomeText) \(failover.prechecks) \(failover.steps.map(\.text))")
        load.target.withLock { $0 = "r2" }
        let loss = try #require(failover.acceptedLoss)
        let takeoverSeq = try #require(failover.takeoverSeq)
        #expect(loss.lastKnownSeq - takeoverSeq == loss.records)
        #expect(Int64(try await sql(regions, "r2", "SELECT seq FROM replica_heads WHERE origin = 'r1'")) == takeoverSeq)

        // r1's seals issued before the takeover no longer execute anywhere: 409, validate again.
        let early = try #require(load.acks.withLock { $0.first { $0.region == "r1" && $0.sealID != nil }?.sealID })
        let refusedSeal = try await HTTP.post(gateway(regions, "r2") + "/v1/seal/mark-executed?seal_id=\(early)", body: [])
        #expect(refusedSeal.status == 409 || refusedSeal.status == 400, "\(refusedSeal.json)")
        try await Task.sleep(for: .seconds(1))

        // r1 comes back: it refuses writes until its relay-dr has asked the peers (and fenced it on
        // their word), then learns from r2's ledger that it was taken over; through its gateway
        // and through SQL on its own connection.
        try await regions.node("r1").cluster.restart()
        try await regions.startGateway("r1")
        let knows = try await until(.seconds(30)) {
            try await sql(regions, "r1", "SELECT state FROM region_state WHERE region = 'r1'") == "taken_over"
        }
        #expect(knows, "r1 never learnt it was taken over")
        let stale = try await staleValidate(regions)
        #expect(stale.status == 503, "\(stale.json)")
        await #expect(throws: (any Error).self) {
            _ = try await sql(regions, "r1", "INSERT INTO ledger_records (region, kind, subject, body) VALUES ('r1', 'manifest', 'stale', '\\x7b7d')")
        }
        // Peers refuse r1's records beyond the takeover point until the failback.
        try await Task.sleep(for: .seconds(1))
        for id in ["r2", "r3"] {
            let held = Int64(try await sql(regions, id, "SELECT seq FROM replica_heads WHERE origin = 'r1'")) ?? -1
            #expect(held <= max(takeoverSeq, loss.lastKnownSeq), "\(id) holds r1 up to \(held) past the takeover at \(takeoverSeq)")
        }

        var back = Failback.Options(to: "r1", operatorName: "tester", reason: "r1 restored")
        back.catchUpTimeout = .seconds(60)
        let failback = await Failback(regions: regions.regions, client: client, options: back, say: { _ in }).run()
        #expect(failback.outcome == .completed, "\(failback.outcomeText) \(failback.prechecks) \(failback.steps.map(\.text))")
        load.target.withLock { $0 = "r1" }
        try await Task.sleep(for: .seconds(1))
        validator.cancel()
        executor.cancel()
        _ = await (validator.value, executor.value)

        let failbackEpoch = try #require(failback.epoch)
        // Realised RPO: r1's records beyond the takeover (and before its failback), counted now r1 is back. It is what
        // the failback listed, and at least what the failover estimated (the rest was
        // committed at r1 and shipped nowhere before it died).
        let realised = Int64(try await sql(regions, "r1", "SELECT count(*) FROM ledger l JOIN ledger_records r ON r.id = l.record_id WHERE l.region = 'r1' AND l.seq > \(takeoverSeq) AND l.epoch < \(failbackEpoch) AND r.kind <> 'region_control'")) ?? -1
        #expect(failback.rpoRecords == realised, "failback listed \(failback.rpoRecords ?? -1), r1 holds \(realised)")
        #expect(realised >= loss.records)
        // (The entries may also hold the fence r1 recorded when it came back: a control entry, no record.)
        #expect(failback.strandedEntries.filter { $0["kind"] != "region_control" }.count == Int(realised), "\(failback.strandedEntries)")

        try await expectNothingLostAndConsistent(regions, load)

        // The history names the accepted loss, the stranded records and both events' reports.
        let history = try await HTTP.get("http://127.0.0.1:\(regions.node("r3").drPort)/v1/history")
        let entries = history.json["entries"]?.arrayValue ?? []
        let takeover = entries.first { $0["event_id"]?.stringValue == failover.eventID && $0["action"] == "takeover" }
        #expect(takeover?["accepted_loss"]?["records"]?.numberValue.map { Int64($0) } == loss.records, "\(entries)")
        let failbackEntry = entries.first { $0["event_id"]?.stringValue == failback.eventID && $0["action"] == "failback" }
        #expect(Int64(failbackEntry?["stranded"]?["records"]?.numberValue ?? 0) == realised, "\(entries)")
        for event in [failover, failback] {
            let report = entries.first { $0["event_id"]?.stringValue == event.eventID && $0["action"] == "report" }
            #expect(report?["report"]?["rto_ms"]?.numberValue != nil, "\(event.kind): \(entries)")
        }
        #expect(load.statuses.withLock { $0[200] ?? 0 } > 20)
    }

    /// Nothing acknowledged is lost, every copy is consistent, and no seal executed twice.
    func expectNothingLostAndConsistent(_ regions: TestRegions, _ load: Load) async throws {
        // Every manifest is in the ledger of the region that acknowledged it.
        #expect(try await regions.waitUntilConverged(timeout: .seconds(90)))
        for ack in load.acks.withLock({ $0 }) {
            let held = try await sql(regions, ack.region, "SELECT count(*) FROM ledger_records WHERE kind = 'manifest' AND subject = '\(ack.manifestID)'")
            #expect(held == "1", "\(ack.manifestID) acknowledged by \(ack.region) is missing")
        }
        // Every copy is consistent: the local verifier, and every replica's head hash equals its origin's.
        for n in regions.nodes {
            let result = try await LocalVerifier(database: n.database, region: n.id).run()
            #expect(result.consistent, "\(n.id): \(result.table)")
        }
        for origin in ["r1", "r2", "r3"] {
            let own = try await regions.chain(of: origin, in: origin)
            for holder in ["r1", "r2", "r3"] where holder != origin {
                let copy = try await regions.chain(of: origin, in: holder)
                #expect(copy.count == own.count && copy.last?.1 == own.last?.1, "\(holder)'s copy of \(origin)")
            }
        }
        // No seal executed twice, across every region's ledger.
        var executions: [String: Int] = [:]
        for id in ["r1", "r2", "r3"] {
            for line in try await sql(regions, id, "SELECT subject FROM ledger_records WHERE kind = 'seal_executed'").split(separator: "\n") {
                executions[String(line), default: 0] += 1
            }
        }
        #expect(!executions.isEmpty)
        #expect(executions.values.allSatisfy { $0 == 1 }, "\(executions.filter { $0.value > 1 })")
    }

    /// A validate sent to r1's gateway by a client that did not follow the routing map.
    func staleValidate(_ regions: TestRegions) async throws -> HTTP.Reply {
        try await HTTP.post(
            gateway(regions, "r1") + "/v1/manifest/validate",
            body: CanonicalJSON.bytes([
                "manifest": [
                    "agent": ["agent_id": "agent_f", "org_id": "org_f"],
                    "action": ["provider": "stripe", "method": "create_payment", "parameters": ["amount": 100, "currency": "usd"]],
                    "justification": ["reasoning": "a stale client"],
                ]
            ]))
    }

    /// Polls `condition` every 100 ms until it holds or `timeout` passes.
    func until(_ timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}
}
