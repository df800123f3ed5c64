import Foundation
import RelayCore
import Testing

struct AuditTests {
    /// A known data set: 3 approved + 2 denied for org_a (agents a1/a2), 1 approved + 1 other-provider
    /// denial for org_b; one execution. Created in this order, one by one.
    private func seed(_ gw: TestGateway, _ http: HTTPTestClient) async throws -> [String] {
        let rows: [(String, String, String, String, Int)] = [
            ("org_a", "a1", "stripe", "create_payment", 100),
            ("org_a", "a1", "stripe", "create_payment", 9000),
            ("org_a", "a2", "stripe", "create_refund", 200),
            ("org_a", "a2", "stripe", "create_refund", 20000),
            ("org_a", "a1", "stripe", "create_payment", 300),
            ("org_b", "b1", "stripe", "create_payment", 400),
            ("org_b", "b1", "aws", "delete_bucket", 0),
        ]
        var ids: [String] = []
        for (org, agent, provider, method, amount) in rows {
            let id = UUID().uuidString.lowercased()
            let r = try await http.validate(
                sampleManifest(id: id, provider: provider, method: method, parameters: ["amount": .number(Double(amount))], agentID: agent, orgID: org))
            #expect(r.status == 200)
            ids.append(id)
        }
        let executed = try await gw.sql("SELECT seal_id FROM seals WHERE manifest_id = '\(ids[0])'")
        #expect(try await http.request(.post, "/v1/seal/mark-executed?seal_id=\(executed)").status == 200)
        return ids
    }

    private func ids(_ reply: HTTPTestClient.Reply) -> [String] {
        (reply.json["results"]?.arrayValue ?? []).compactMap { $0["manifest_id"]?.stringValue }
    }

    @Test func queryFiltersPaginatesAndListsNewestFirst() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let created = try await seed(gw, http)
            let all = try await http.request(.get, "/v1/audit/query")
            #expect(all.status == 200)
            #expect(all.json["total"] == 7)
            #expect(all.json["limit"] == 100)
            #expect(all.json["offset"] == 0)
            #expect(ids(all) == created.reversed())

            let first = try #require(all.json["results"]?.arrayValue?.last)
            #expect(first["was_executed"] == true)
            #expect(first["approved"] == true)
            #expect(first["parameters"] == ["amount": 100])
            #expect(first["seal_id"]?.stringValue?.hasPrefix("seal_test-1_") == true)
            for key in ["created_at", "agent_id", "org_id", "provider", "method", "reasoning", "environment", "policy_version", "denial_reason"] {
                #expect(first[key] != nil, "result lacks \(key)")
            }

            let orgA = try await http.request(.get, "/v1/audit/query?org_id=org_a")
            #expect(orgA.json["total"] == 5)
            #expect(ids(orgA) == Array(created[0..<5].reversed()))
            let a2 = try await http.request(.get, "/v1/audit/query?agent_id=a2")
            #expect(ids(a2) == [created[3], created[2]])
            let aws = try await http.request(.get, "/v1/audit/query?provider=AWS")
            #expect(ids(aws) == [created[6]])
            let approved = try await http.request(.get, "/v1/audit/query?org_id=org_a&approved_only=true")
            #expect(ids(approved) == [created[4], created[2], created[0]])
            #expect(approved.json["total"] == 3)

            let page = try await http.request(.get, "/v1/audit/query?limit=2&offset=2")
            #expect(page.json["total"] == 7)
            #expect(ids(page) == [created[4], created[3]])
            let beyond = try await http.request(.get, "/v1/audit/query?limit=1000&offset=7")
            #expect(beyond.json["total"] == 7)
            #expect(ids(beyond).isEmpty)
        }
    }

    @Test func statsCountAKnownDataSet() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            _ = try await seed(gw, http)
            let all = try await http.request(.get, "/v1/audit/stats")
            #expect(all.json["total_manifests"] == 7)
            #expect(all.json["approved"] == 4)
            #expect(all.json["denied"] == 3)
            #expect(all.json["executed"] == 1)
            #expect(all.json["approval_rate"] == 57.14)
            let orgA = try await http.request(.get, "/v1/audit/stats?org_id=org_a")
            #expect(orgA.json["total_manifests"] == 5)
            #expect(orgA.json["approved"] == 3)
            #expect(orgA.json["approval_rate"] == 60)
            let none = try await http.request(.get, "/v1/audit/stats?org_id=org_none")
            #expect(none.json["total_manifests"] == 0)
            #expect(none.json["approval_rate"] == 0)
        }
    }
}
