import Foundation
import Logging
import RelayCore
import RelayLedger
import RelayLocal
import RelayReplication
import RelayStore
import RelaySystem

/// A fresh, migrated database in the shared cluster with a running pool, plus helpers that write
/// real records through the gateway's stores (so every write produces its outbox record).
struct LedgerFixture: Sendable {
    let database: Database
    let cluster: PostgresCluster
    let name: String
    let region: String
    let issuer: SealIssuer

    static var quietLogger: Logger {
        var logger = Logger(label: "ledger-test")
        logger.logLevel = .critical
        return logger
    }

    /// Runs `body` with a fixture whose pool runs for the duration, on a fresh database of the
    /// shared cluster, or of a cluster of its own (`dedicated`: started and stopped around `body`,
    /// for tests that need many connections or a snapshot horizon no other test holds back).
    static func with<T: Sendable>(
        region: String = "test-1", maxConnections: Int = 8, dedicated: Bool = false,
        _ body: @Sendable (LedgerFixture) async throws -> T
    ) async throws -> T {
        guard !dedicated else {
            let cluster = try await PostgresCluster.start(PostgresClusterOptions(name: "ledger"), logger: quietLogger)
            do {
                try await cluster.createDatabase("relay")
                let result = try await with(region: region, maxConnections: maxConnections, cluster: cluster, name: "relay", body)
                try await cluster.stop()
                return result
            } catch {
                try? await cluster.stop()
                throw error
            }
        }
        let cluster = try await SharedCluster.shared.cluster()
        let name = try await SharedCluster.shared.freshDatabase(prefix: "ledger")
        return try await with(region: region, maxConnections: maxConnections, cluster: cluster, name: name, body)
    }

    private static func with<T: Sendable>(
        region: String, maxConnections: Int, cluster: PostgresCluster, name: String,
        _ body: @Sendable (LedgerFixture) async throws -> T
    ) async throws -> T {
        let database = Database(
            configuration: DatabaseConfiguration(
                host: cluster.host, port: cluster.port, database: name, username: cluster.superuser,
                maxConnections: maxConnections),
            logger: quietLogger)
        let fixture = LedgerFixture(
            database: database, cluster: cluster, name: name, region: region,
            issuer: SealIssuer(region: region, key: SigningKey.generate().key, ttlMinutes: 5))
        return try await database.withRunning { db in
            try await Migrator(database: db).migrate()
            return try await body(fixture)
        }
    }

    /// Runs SQL as the superuser; returns psql's unaligned output, trimmed.
    @discardableResult
    func sql(_ statement: String) async throws -> String {
        try await cluster.psql(statement, database: name).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A chainer on this database.
    func chainer(batchLimit: Int = 1000) -> Chainer {
        var options = Chainer.Options()
        options.batchLimit = batchLimit
        options.pollInterval = .milliseconds(5)
        options.errorBackoff = .milliseconds(50)
        return Chainer(region: region, database: database, options: options, logger: Self.quietLogger)
    }

    /// Chains until nothing of this region is pending.
    func chainAll() async throws {
        try await ChainStore(database: database).chainUntilDrained(region: region)
    }

    /// A decision with its seal, written through `ManifestWriter`.
    @discardableResult
    func decide(
        approved: Bool = true, parameters: [String: JSONValue] = ["amount": 100, "currency": "USD"],
        reasoning: String = "pay invoice"
    ) async throws -> Seal {
        let now = RelayClock.system.now()
        let manifest = Manifest(
            manifestID: UUID(), timestamp: now, agent: .init(agentID: "agent_test", orgID: "org_test"),
            action: .init(provider: "stripe", method: "create_payment", parameters: parameters),
            justification: .init(reasoning: reasoning, confidenceScore: 0.9))
        let seal = issuer.issue(
            for: manifest, approved: approved, denialReason: approved ? nil : "No policy matched",
            policyVersion: "1.0.0-test", now: now)
        try await ManifestWriter(database: database).record(manifest, seal: seal)
        return seal
    }

    /// One of every kind of record: an org with its agent, an approved and a denied decision,
    /// an execution and an auth event.
    func writeOneOfEach() async throws -> (seal: Seal, orgID: String) {
        let identities = IdentityStore(database: database)
        let (org, _) = try await identities.registerOrganization(
            name: "Acme", contactEmail: "ops@acme.test", initialAgentName: "initial", region: region, now: RelayClock.system.now())
        let seal = try await decide()
        try await decide(approved: false)
        _ = try await SealStore(database: database).markExecuted(id: seal.payload.sealID, now: RelayClock.system.now(), region: region)
        try await identities.record(
            AuthEvent(type: "token", success: true, agentID: "agent_test", orgID: org.orgID, endpoint: "/v1/manifest/validate"),
            region: region, now: RelayClock.system.now())
        return (seal, org.orgID)
    }

    /// Waits (bounded) until `count` entries are chained and the outbox is empty.
    func waitUntilChained(count: Int, timeout: Duration = .seconds(60)) async throws {
        let store = LedgerStore(database: database)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let head = try await store.recordedHead(region: region)?.seq ?? 0
            if head >= Int64(count), try await store.backlog(region: region).count == 0 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Every stored entry, in seq order, with its subject.
    func entries() async throws -> [(LedgerEntry, String)] {
        var out: [(LedgerEntry, String)] = []
        try await LedgerStore(database: database).forEachEntry(region: region) { out.append(($0, $1)) }
        return out
    }

    /// Writes one auth event and its ledger record inside an explicit transaction on its own
    /// connection, sleeping `sleep` seconds (then awaiting `hold`, when given) before it commits
    /// (or rolls back).
    func writeInTransaction(
        eventID: UUID, sleep: Double, commit: Bool, hold: (@Sendable () async throws -> Void)? = nil
    ) async throws {
        try await database.client.withConnection { conn in
            try await conn.query("BEGIN", logger: Self.quietLogger)
            try await IdentityStore(database: database).record(
                AuthEvent(type: "token", success: true, agentID: "agent_w", orgID: "org_w", endpoint: "/test"), region: region,
                now: RelayClock.system.now(), eventID: eventID, on: conn)
            try await conn.query("SELECT pg_sleep(\(sleep))", logger: Self.quietLogger)
            try await hold?()
            try await conn.query(commit ? "COMMIT" : "ROLLBACK", logger: Self.quietLogger)
        }
    }

    /// Local verification of this region.
    func verify() async throws -> LocalVerification {
        try await LocalVerifier(database: database, region: region).run()
    }
}

extension ChainStore {
    /// Chains `region` until nothing is pending. (Idle steps happen while transactions anywhere
    /// in the cluster, other tests' included, hold the snapshot horizon back.)
    func chainUntilDrained(region: String) async throws {
        while true {
            switch try await step(region: region) {
            case .chained: continue
            case .idle, .notLeader:
                if try await LedgerStore(database: database).backlog(region: region).count == 0 { return }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }
}
