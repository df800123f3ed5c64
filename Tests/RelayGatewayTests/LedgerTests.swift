import Foundation
import RelayCore
import RelayLedger
import RelayReplication
import RelayStore
import Testing

/// The gateway's side of the ledger: every state change over the API becomes exactly one entry
/// (dry runs and refused requests none), the embedded chainer links them, and /health and
/// /metrics show the head and the backlog.
@Suite(.timeLimit(.minutes(2)))
struct LedgerTests {
    /// Polls /health until the chain head reaches `seq` with nothing left unchained.
    private func waitForHead(_ http: HTTPTestClient, seq: Int) async throws -> JSONValue {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let ledger = try await http.request(.get, "/health").json["ledger"] ?? .null
            if ledger["head_seq"] == .number(Double(seq)), ledger["unchained"] == 0 { return ledger }
            guard ContinuousClock.now < deadline else { return ledger }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func apiWritesAreChainedByTheEmbeddedChainer() async throws {
        let gw = try await TestGateway.make(authRequired: true) { $0.chainer = .embedded }
        try await gw.run { http throws in
            // org_registered + agent_registered + auth_event (registration)
            let reg = try await http.request(.post, "/v1/orgs/register", body: ["org_name": "Acme", "contact_email": "ops@acme.test"])
            let org = try #require(reg.json["org_id"]?.stringValue)
            let agent = try #require(reg.json["initial_agent"]?["agent_id"]?.stringValue)
            let token = try #require(reg.json["access_token"]?.stringValue)
            // auth_event + manifest
            let ok = try await http.validate(sampleManifest(agentID: agent, orgID: org), token: token)
            #expect(ok.status == 200)
            let seal = try #require(ok.json["seal"]?["seal_id"]?.stringValue)
            // auth_event only: a dry run writes no manifest
            #expect(try await http.validate(sampleManifest(agentID: agent, orgID: org), dryRun: true, token: token).status == 200)
            // auth_event + seal_executed
            #expect(try await http.request(.post, "/v1/seal/mark-executed?seal_id=\(seal)", token: token).status == 200)
            // auth_event only: a refused second execution writes nothing else
            #expect(try await http.request(.post, "/v1/seal/mark-executed?seal_id=\(seal)", token: token).status == 400)
            // a failed authentication is an auth_event too
            #expect(try await http.validate(sampleManifest(agentID: agent, orgID: org), token: "garbage").status == 401)

            let ledger = try await waitForHead(http, seq: 10)
            // Chaining waits for the oldest transaction in the whole (shared) cluster: say which.
            let oldest = try await gw.sql(
                "SELECT datname, now() - xact_start, state, left(query, 80) FROM pg_stat_activity WHERE backend_xid IS NOT NULL ORDER BY xact_start LIMIT 3")
            #expect(ledger["head_seq"] == 10, "\(ledger); oldest transactions with an xid: \(oldest)")
            #expect(ledger["unchained"] == 0)
            #expect(ledger["chainer"] == "embedded")
            #expect(ledger["head_hash"]?.stringValue?.count == 64)

            let metrics = try await http.scrape()
            #expect(try metrics.value("relay_ledger_head_seq") == 10)
            #expect(try metrics.value("relay_ledger_unchained_records") == 0)
        }
        let kinds = try await gw.sql("SELECT string_agg(r.kind, ',' ORDER BY l.seq) FROM ledger l JOIN ledger_records r ON r.id = l.record_id")
        #expect(
            kinds
                == "org_registered,agent_registered,auth_event,auth_event,manifest,auth_event,auth_event,seal_executed,auth_event,auth_event")
        let result = try await gw.verifyLedger()
        #expect(result.consistent, "\(result.table)")
    }

    @Test func withTheChainerOffRecordsWaitInTheOutboxAndHealthShowsTheirAge() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http throws in
            #expect(try await http.validate(sampleManifest()).status == 200)
            let ledger = try await http.request(.get, "/health").json["ledger"]
            #expect(ledger?["chainer"] == "off")
            #expect(ledger?["head_seq"] == 0)
            #expect(ledger?["unchained"] == 1)
            #expect((ledger?["oldest_unchained_age_seconds"]?.numberValue ?? -1) >= 0)
            #expect(try await http.scrape().value("relay_ledger_unchained_records") == 1)
        }
    }
}

extension TestGateway {
    /// `relay-dr verify --local` of this gateway's region, on a pool of its own (the gateway's
    /// pool stops with the gateway).
    func verifyLedger() async throws -> LocalVerification {
        let db = Database(configuration: services.database.configuration, logger: .init(label: "verify"))
        let region = services.configuration.region
        return try await db.withRunning { try await LocalVerifier(database: $0, region: region).run() }
    }
}
