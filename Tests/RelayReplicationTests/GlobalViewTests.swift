import Foundation
import RelayCore
import RelayReplication
import RelayStore
import Testing

/// Every region answers for every other (docs/replication.md): a seal issued in r1 verifies in r3,
/// audit in r2 shows r1's decisions, and execution is forwarded to the home region — exactly
/// once under concurrent attempts in all regions, never locally when the home is unreachable.
extension MultiRegionSuites {
@Suite(.timeLimit(.minutes(4)))
struct GlobalViewTests {
    private func gateway(_ regions: TestRegions, _ id: String) -> String { "http://127.0.0.1:\(regions.node(id).gatewayPort)" }

    private func validate(_ regions: TestRegions, in id: String) async throws -> String {
        let body: JSONValue = [
            "manifest": [
                "agent": ["agent_id": "agent_g", "org_id": "org_g"],
                "action": ["provider": "stripe", "method": "create_payment", "parameters": ["amount": 1500, "currency": "usd"]],
                "justification": ["reasoning": "global view test"],
            ]
        ]
        let reply = try await HTTP.post(gateway(regions, id) + "/v1/manifest/validate", body: CanonicalJSON.bytes(body))
        #expect(reply.status == 200, "\(reply.json)")
        return try #require(reply.json["seal"]?["seal_id"]?.stringValue)
    }

    @Test func aSealFromOneRegionVerifiesEverywhereAndExecutesOnceAtHome() async throws {
        try await TestRegions.with { regions in
            for n in regions.nodes { try await regions.startGateway(n.id) }
            let seal = try await validate(regions, in: "r1")
            #expect(seal.hasPrefix("seal_r1_"))
            #expect(try await regions.waitUntilConverged())

            // Verified in r3 from r3's own copy, with r1's key from the region set.
            let verify = try await HTTP.get(gateway(regions, "r3") + "/v1/seal/verify?seal_id=\(seal)")
            #expect(verify.status == 200)
            #expect(verify.json["valid"] == true, "\(verify.json)")
            let audit = try await HTTP.get(gateway(regions, "r2") + "/v1/audit/query?org_id=org_g")
            #expect(audit.json["total"] == 1, "\(audit.json)")

            // 20 concurrent executions spread over the three regions: exactly one succeeds.
            let urls = (0..<20).map { i in gateway(regions, ["r1", "r2", "r3"][i % 3]) + "/v1/seal/mark-executed?seal_id=\(seal)" }
            let all = try await withThrowingTaskGroup(of: Int.self) { group in
                for url in urls { group.addTask { try await HTTP.post(url, body: []).status } }
                var out: [Int] = []
                for try await status in group { out.append(status) }
                return out
            }
            #expect(all.filter { $0 == 200 }.count == 1, "\(all)")
            #expect(all.filter { $0 == 400 }.count == 19, "\(all)")

            // The execution is recorded once in r1's chain and replicated to the others.
            #expect(try await regions.waitUntilConverged())
            for n in regions.nodes {
                let executed = try await n.cluster.psql(
                    "SELECT count(*) FROM seals WHERE seal_id = '\(seal)' AND was_executed", database: n.databaseName)
                #expect(executed.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(n.id)")
            }
            let entries = try await regions.node("r1").cluster.psql(
                "SELECT count(*) FROM ledger l JOIN ledger_records r ON r.id = l.record_id WHERE r.kind = 'seal_executed'",
                database: regions.node("r1").databaseName)
            #expect(entries.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
            for n in regions.nodes {
                let result = try await LocalVerifier(database: n.database, region: n.id).run()
                #expect(result.consistent, "\(result.table)")
            }
        }
    }

    @Test func whenTheHomeRegionIsUnreachableExecutionIsRefusedNamingIt() async throws {
        try await TestRegions.with { regions in
            for n in regions.nodes { try await regions.startGateway(n.id) }
            let seal = try await validate(regions, in: "r1")
            #expect(try await regions.waitUntilConverged())
            await regions.stopGateway("r1")
            let reply = try await HTTP.post(gateway(regions, "r2") + "/v1/seal/mark-executed?seal_id=\(seal)", body: [])
            #expect(reply.status == 409)
            #expect(reply.json["home_region"] == "r1")
            #expect(reply.json["detail"]?.stringValue?.contains("region r1") == true)
            for n in regions.nodes {
                let executed = try await n.cluster.psql(
                    "SELECT count(*) FROM seals WHERE seal_id = '\(seal)' AND was_executed", database: n.databaseName)
                #expect(executed.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "never executed in \(n.id)")
            }
        }
    }
}
}
