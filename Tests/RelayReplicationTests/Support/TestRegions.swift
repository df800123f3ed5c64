import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import RelayCore
import RelayGateway
import RelayLedger
import RelayLocal
import RelayPolicy
import RelayReplication
import RelayStore
import RelaySystem
import ServiceLifecycle
import RelayTestSupport
import Synchronization

/// Three (or more) regions on this machine: a PostgreSQL cluster each (by default; chaining waits
/// for the oldest transaction of the whole cluster, so regions sharing the test process's cluster
/// would wait for other tests), a relay-dr daemon each on a loopback port, real Ed25519 ledger
/// keys, one region set.
final class TestRegions: Sendable {
    struct Node: Sendable {
        let id: String
        let cluster: PostgresCluster
        let databaseName: String
        let ledgerKey: SigningKey
        let ledgerSeed: [UInt8]
        let sealKey: SigningKey
        let drPort: Int
        let gatewayPort: Int
        /// A pool of the test's own (the daemon has its own).
        let database: Database
        var issuer: SealIssuer { SealIssuer(region: id, key: sealKey, ttlMinutes: 5) }
    }

    let nodes: [Node]
    let regions: RegionSet
    /// Logs of everything started here (daemons in and out of process, the clusters' PostgreSQL
    /// logs): kept, and named in the failure, when the test fails.
    let evidence: Evidence
    private let running = Mutex<[String: Task<Void, Never>]>([:])
    private let groups = Mutex<[String: ServiceGroup]>([:])
    let daemons = Mutex<[String: DRDaemon]>([:])

    /// The test's own pools log nothing; daemons started in this process log to the evidence folder.
    static var quiet: Logger {
        var l = Logger(label: "regions-test")
        l.logLevel = .critical
        return l
    }

    /// A logger writing JSON lines at info level (debug with `RELAY_TEST_LOG=1`) to `name` in the evidence folder.
    func logger(_ name: String) -> Logger {
        let sink = LogFile(evidence.file(name + ".log"))
        var l = Logger(label: name) { label in JSONLogHandler(label: label, sink: sink.append) }
        l.logLevel = ProcessInfo.processInfo.environment["RELAY_TEST_LOG"] == "1" ? .debug : .info
        return l
    }

    private init(nodes: [Node], regions: RegionSet, evidence: Evidence) {
        self.nodes = nodes
        self.regions = regions
        self.evidence = evidence
    }

    func node(_ id: String) -> Node { nodes.first { $0.id == id }! }

    /// Runs `body` with `ids` regions whose daemons are started; everything stops afterwards, and
    /// the clusters are removed (their PostgreSQL logs are kept in the evidence folder first when
    /// the test has failed).
    static func with<T: Sendable>(
        _ ids: [String] = ["r1", "r2", "r3"], dedicatedClusters: Bool = true, start: [String]? = nil,
        configure: @escaping @Sendable (inout DRConfiguration) -> Void = { _ in },
        _ body: @Sendable (TestRegions) async throws -> T
    ) async throws -> T {
        try await Evidence.with("regions") { evidence in
            let owned = Mutex<[PostgresCluster]>([])
            do {
                let result = try await running(ids, dedicatedClusters: dedicatedClusters, start: start, configure: configure, evidence: evidence, owned: owned, body)
                await stopClusters(owned, evidence: evidence)
                return result
            } catch {
                await stopClusters(owned, evidence: evidence, failed: true)
                throw error
            }
        }
    }

    /// Copies the clusters' logs into the evidence folder when the test failed, then removes them.
    private static func stopClusters(_ owned: borrowing Mutex<[PostgresCluster]>, evidence: Evidence, failed: Bool = false) async {
        let clusters = owned.withLock { $0 }
        if failed || evidence.hasFailed {
            for (i, c) in clusters.enumerated() { evidence.copy(c.logFile, as: "postgres-\(i + 1)-\(c.port).log") }
        }
        for c in clusters { try? await c.stop() }
    }

    private static func running<T: Sendable>(
        _ ids: [String], dedicatedClusters: Bool, start: [String]?, configure: @escaping @Sendable (inout DRConfiguration) -> Void,
        evidence: Evidence, owned: borrowing Mutex<[PostgresCluster]>, _ body: @Sendable (TestRegions) async throws -> T
    ) async throws -> T {
        var nodes: [Node] = []
        for id in ids {
            let cluster: PostgresCluster
            let name: String
            if dedicatedClusters {
                // Lock waits over a second name the holder in the server log (kept as evidence).
                let options = PostgresClusterOptions(
                    name: "region-\(id)", extraSettings: ["log_lock_waits": "on", "log_line_prefix": "%m [%p] %x %a "])
                cluster = try await PostgresCluster.start(options, logger: quiet)
                owned.withLock { $0.append(cluster) }
                try await cluster.createDatabase("relay")
                name = "relay"
            } else {
                cluster = try await SharedCluster.shared.cluster()
                name = try await SharedCluster.shared.freshDatabase(prefix: "region_\(id)")
            }
            let database = Database(
                configuration: DatabaseConfiguration(host: cluster.host, port: cluster.port, database: name, username: cluster.superuser, maxConnections: 6),
                logger: quiet)
            let ledger = SigningKey.generate()
            nodes.append(
                Node(
                    id: id, cluster: cluster, databaseName: name, ledgerKey: ledger.key, ledgerSeed: ledger.seed,
                    sealKey: SigningKey.generate().key,
                    drPort: try LoopbackPort.pickFree(), gatewayPort: try LoopbackPort.pickFree(), database: database))
        }
        let epoch = try Timestamp(iso8601: "2026-01-01T00:00:00Z")
        let regions = try RegionSet(
            regions: nodes.map { n in
                Region(
                    id: n.id, gatewayURL: URL(string: "http://127.0.0.1:\(n.gatewayPort)")!, drURL: URL(string: "http://127.0.0.1:\(n.drPort)")!,
                    database: RegionDatabase(host: .literal(n.cluster.host), port: n.cluster.port, name: n.databaseName, tls: .disable),
                    keys: [
                        RegionKey(purpose: .seal, publicKey: n.sealKey.publicKey, validFrom: epoch),
                        RegionKey(purpose: .ledger, publicKey: n.ledgerKey.publicKey, validFrom: epoch),
                    ])
            })
        let set = TestRegions(nodes: nodes, regions: regions, evidence: evidence)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for n in nodes { group.addTask { await n.database.run() } }
            defer { group.cancelAll() }
            for n in nodes { try await Migrator(database: n.database).migrate() }
            for n in nodes where start?.contains(n.id) ?? true { set.start(n.id, configure: configure) }
            do {
                try await set.waitUntilListening()
                let result = try await body(set)
                await set.stopAll()
                return result
            } catch {
                await set.stopAll()
                throw error
            }
        }
    }

    /// The daemon configuration of region `id`.
    func configuration(_ id: String) -> DRConfiguration {
        let n = node(id)
        var c = DRConfiguration(
            region: id, regions: regions,
            database: DatabaseConfiguration(host: n.cluster.host, port: n.cluster.port, database: n.databaseName, username: n.cluster.superuser, maxConnections: 8),
            ledgerKey: n.ledgerKey, listenHost: "127.0.0.1", listenPort: n.drPort)
        c.shipper.linger = .milliseconds(20)
        c.shipper.initialBackoff = .milliseconds(50)
        c.shipper.maxBackoff = .milliseconds(500)
        c.chainer.pollInterval = .milliseconds(10)
        c.lagSampleInterval = .milliseconds(500)
        return c
    }

    /// Starts region `id`'s daemon (again).
    func start(_ id: String, configure: @Sendable (inout DRConfiguration) -> Void = { _ in }) {
        var c = configuration(id)
        configure(&c)
        let daemon = DRDaemon(configuration: c, logger: logger("relay-dr-\(id)"))
        daemons.withLock { $0[id] = daemon }
        run(daemon.application(), as: id)
    }

    /// Runs `app` under a ServiceGroup of its own, so `stop` can shut it down gracefully (services
    /// in reverse order: the database pool last, after everything that uses it).
    private func run(_ app: some Service, as name: String) {
        let group = ServiceGroup(configuration: .init(services: [.init(service: app)], gracefulShutdownSignals: [], logger: Self.quiet))
        groups.withLock { $0[name] = group }
        let task = Task {
            do { try await group.run() } catch {}
        }
        running.withLock { $0[name] = task }
    }

    /// Stops region `id`'s daemon gracefully and waits (cancels it after 15 s).
    func stop(_ id: String) async {
        let task = running.withLock { $0.removeValue(forKey: id) }
        let group = groups.withLock { $0.removeValue(forKey: id) }
        await group?.triggerGracefulShutdown()
        let watchdog = Task {
            try await Task.sleep(for: .seconds(15))
            task?.cancel()
        }
        await task?.value
        watchdog.cancel()
    }

    /// Stops every daemon and gateway still running (gracefully, concurrently).
    func stopAll() async {
        let names = running.withLock { Array($0.keys) }
        await withTaskGroup(of: Void.self) { group in
            for name in names { group.addTask { await self.stop(name) } }
        }
    }

    /// Starts region `id`'s gateway (builtin policies, auth optional, chaining left to relay-dr).
    func startGateway(_ id: String) async throws {
        let n = node(id)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        let config = GatewayConfiguration(
            region: id,
            database: DatabaseConfiguration(host: n.cluster.host, port: n.cluster.port, database: n.databaseName, username: n.cluster.superuser, maxConnections: 8),
            apiPort: n.gatewayPort, sealKey: n.sealKey, policyDirectory: root + "/gateway/policies",
            jwtSecret: "test-secret-test-secret-test-secret-0123456789", authRequired: false, rateLimitRPS: 0, chainer: .off,
            regions: regions)
        let services = await GatewayServices(
            configuration: config, database: Database(configuration: config.database, logger: logger("gateway-\(id)")),
            policy: try BuiltinPolicyEngine.load(directory: config.policyDirectory), logger: logger("gateway-\(id)"))
        run(Gateway.application(services: services, logger: logger("gateway-\(id)")), as: "gateway-" + id)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if (try? await HTTP.get("http://127.0.0.1:\(n.gatewayPort)/health").status) == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw GatewayDidNotStart(region: id, port: n.gatewayPort)
    }

    struct GatewayDidNotStart: Error, CustomStringConvertible {
        let region: String
        let port: Int
        var description: String { "the gateway of \(region) did not answer /health on port \(port) within 60 s" }
    }

    /// Stops region `id`'s gateway.
    func stopGateway(_ id: String) async {
        await stop("gateway-" + id)
    }

    /// Waits until every running daemon answers /health.
    func waitUntilListening() async throws {
        for n in nodes where running.withLock({ $0[n.id] != nil }) {
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                if (try? await HTTP.get("http://127.0.0.1:\(n.drPort)/health").status) == 200 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// A decision written in region `id` through the gateway's own writer.
    @discardableResult
    func decide(in id: String, amount: Double = 100) async throws -> Seal {
        let n = node(id)
        let now = RelayClock.system.now()
        let manifest = Manifest(
            manifestID: UUID(), timestamp: now, agent: .init(agentID: "agent_\(id)", orgID: "org_\(id)"),
            action: .init(provider: "stripe", method: "create_payment", parameters: ["amount": .number(amount), "currency": "EUR"]),
            justification: .init(reasoning: "checkout in \(id) ✓", confidenceScore: 0.8))
        let seal = n.issuer.issue(for: manifest, approved: amount < 5000, denialReason: amount < 5000 ? nil : "too large", policyVersion: "v1", now: now)
        try await ManifestWriter(database: n.database).record(manifest, seal: seal)
        return seal
    }

    /// Chains everything written in region `id` (for tests whose daemon for `id` is not running).
    func chainAll(_ id: String) async throws {
        try await ChainStore(database: node(id).database).chainUntilDrained(region: id)
    }

    /// A signed batch of region `origin`'s entries `from`…`to` (its own key unless `key` is given).
    func batch(of origin: String, from: Int64, to: Int64, batchNo: Int64 = 1, key: SigningKey? = nil) async throws -> Batch {
        let store = ShipperStore(database: node(origin).database)
        let records = try await store.entries(region: origin, after: from - 1, limit: Int(to - from + 1), maxBytes: 1 << 30)
        let prev = try await store.hash(region: origin, seq: from - 1)!
        return Batch.make(records: records, prevHash: prev, batchNo: batchNo, key: key ?? node(origin).ledgerKey, now: RelayClock.system.now())
    }

    /// POSTs `body` to region `id`'s replication API.
    func post(_ body: [UInt8], to id: String) async throws -> HTTP.Reply {
        try await HTTP.post("http://127.0.0.1:\(node(id).drPort)/v1/replication/batches", body: body)
    }

    /// A fingerprint of everything region `id` holds of other regions (replica chain, heads,
    /// evidence, materialised rows): equal fingerprints = byte-for-byte unchanged.
    func replicaFingerprint(_ id: String) async throws -> String {
        let n = node(id)
        return try await n.cluster.psql(
            """
            SELECT md5(coalesce(string_agg(x, '|' ORDER BY x), '')) FROM (
                SELECT 'L' || origin || ':' || seq || ':' || encode(hash, 'hex') || ':' || encode(body, 'hex') AS x FROM replica_ledger
                UNION ALL SELECT 'H' || origin || ':' || seq || ':' || encode(hash, 'hex') || ':' || epoch || ':' || quarantined FROM replica_heads
                UNION ALL SELECT 'B' || origin || ':' || first_seq || ':' || last_seq FROM replica_batches
                UNION ALL SELECT 'M' || manifest_id::text || ':' || md5(parameters::text) FROM manifests WHERE region <> '\(id)'
                UNION ALL SELECT 'S' || seal_id || ':' || was_executed FROM seals WHERE region <> '\(id)'
                UNION ALL SELECT 'O' || org_id FROM organizations WHERE region <> '\(id)'
                UNION ALL SELECT 'A' || event_id::text FROM auth_events WHERE region <> '\(id)'
            ) t
            """, database: n.databaseName
        ).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The value of one sample of region `id`'s relay-dr `/metrics` (0 when absent).
    func metric(_ id: String, _ name: String, _ labels: [String: String]) async throws -> Double {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(node(id).drPort)/metrics")
        request.method = .GET
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let text = String(buffer: try await response.body.collect(upTo: 8 << 20))
        let wanted = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") {
            let inner = line.dropFirst(name.count + 1).prefix { $0 != "}" }
            let have = inner.split(separator: ",").map(String.init).sorted()
            if have == wanted, let value = line.split(separator: " ").last.flatMap({ Double($0) }) { return value }
        }
        return 0
    }

    /// The (seq, hash) list of `origin`'s chain as held in region `holder` (its own ledger when equal).
    func chain(of origin: String, in holder: String) async throws -> [(Int64, [UInt8])] {
        var out: [(Int64, [UInt8])] = []
        let db = node(holder).database
        if origin == holder {
            try await LedgerStore(database: db).forEachEntry(region: origin) { e, _ in out.append((e.seq, e.hash)) }
        } else {
            try await ReplicaStore(database: db).forEachEntry(origin: origin) { e, _ in out.append((e.seq, e.hash)) }
        }
        return out
    }

    /// Waits (bounded) until every region holds every other region's full chain; true when it did.
    func waitUntilConverged(timeout: Duration = .seconds(60)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var done = true
            for origin in nodes {
                let store = LedgerStore(database: origin.database)
                // The backlog before the head: a record chained between the two reads is then in the head.
                if try await store.backlog(region: origin.id).count > 0 { done = false; break }
                let head = try await store.recordedHead(region: origin.id)?.seq ?? 0
                for holder in nodes where holder.id != origin.id {
                    let held = try await ReplicaStore(database: holder.database).heads().first { $0.head.origin == origin.id }?.head.seq ?? 0
                    if held != head { done = false; break }
                }
                if !done { break }
            }
            if done { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
