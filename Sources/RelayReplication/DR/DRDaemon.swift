import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import RelayCore
import RelayLedger
import RelayStore
import RelaySystem
import ServiceLifecycle
import Synchronization

/// One region's relay-dr: the replication API (receiver, status, metrics, health), a shipper per
/// peer, the lag sampler and (by default) the chainer, over the region's database.
public final class DRDaemon: Sendable {
    public let configuration: DRConfiguration
    public let database: Database
    public let metrics: DRMetrics
    public let chainer: Chainer?
    let receiver: BatchReceiver
    let shipping: ShippingService
    let lag: LagMonitor
    /// The continuous verification of the peers' copies (nil when disabled).
    let copyWatch: CopyWatch?
    /// Set while a full check (`GET /v1/copies/check`) runs: one at a time, it reads everything.
    let fullCheckRunning = Atomic<Bool>(false)
    let control: RegionControlService
    let rejoin: RejoinWatch
    let retention: LagRetention
    let gate: ReadyGate
    /// HTTP towards the peers' relay-drs (shipping, the restart guard, the status page).
    let peerClient: HTTPClient
    let logger: Logger
    let clock: RelayClock

    /// Wires the daemon; nothing runs until `application()` is run.
    public init(configuration c: DRConfiguration, logger: Logger, clock: RelayClock = .system) {
        var logger = logger
        logger[metadataKey: "region"] = "\(c.region)"
        self.configuration = c
        self.logger = logger
        self.clock = clock
        var databaseConfiguration = c.database
        databaseConfiguration.applicationName = "relay-dr \(c.region)"
        let database = Database(configuration: databaseConfiguration, logger: logger)
        let metrics = DRMetrics()
        self.database = database
        self.metrics = metrics
        let gate = ReadyGate()
        self.gate = gate
        // Shippers wait on what the chainer links (with a gateway-embedded chainer they poll).
        let chained = WakeSignal()
        self.chainer =
            c.runChainer ? Chainer(region: c.region, database: database, options: c.chainer, gate: gate, linked: chained, logger: logger) : nil
        self.control = RegionControlService(region: c.region, regions: c.regions, database: database, clock: clock, logger: logger)
        self.receiver = BatchReceiver(region: c.region, regions: c.regions, database: database, metrics: metrics, logger: logger, clock: clock)
        let region = c.region
        let peers = c.regions.regions.filter { $0.id != region }
        var http = HTTPClient.Configuration()
        http.timeout = .init(connect: .seconds(5), read: .seconds(Int64(c.shipper.requestTimeout.components.seconds)))
        // Used for https peers only; an http dr_url stays plain (refused by DRTLS.checkURLs when
        // client TLS settings are given).
        http.tlsConfiguration = c.tls.client
        // A refused connection fails the request at once: the shipper has its own back-off, which a
        // peer's hello ends. The client's retries would otherwise back off on their own, longer with
        // every refusal of a long outage (up to 60 s), and hold the first batches after the peer
        // came back for seconds (12.7 s measured after a minute's outage).
        http.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
        self.peerClient = client
        let store = ShipperStore(database: database)
        let tally = ShipTally()
        let shippers = peers.map {
            PeerShipper(
                region: c.region, peer: $0, key: c.ledgerKey, store: store, client: client, options: c.shipper, metrics: metrics,
                logger: logger, clock: clock, tally: tally, chained: chained)
        }
        self.rejoin = RejoinWatch(
            region: c.region, peers: peers.map(\.id), database: database, client: RegionClient(regions: c.regions, client: client, adminToken: nil),
            patience: c.rejoinPatience, gate: gate, clock: clock, logger: logger)
        self.lag = LagMonitor(
            region: c.region, peers: peers.map(\.id), ledger: LedgerStore(database: database), shipper: store, metrics: metrics, clock: clock,
            tally: tally)
        self.copyWatch = c.copyVerifyInterval.map { interval in
            let remote = RegionCopySource(
                client: RegionClient(regions: c.regions, client: client, adminToken: nil, timeout: .seconds(5)), origin: c.region)
            return CopyWatch(
                region: c.region, peers: peers.map(\.id),
                source: DaemonCopySource(region: c.region, database: database, regions: c.regions, remote: remote), interval: interval,
                gate: gate, metrics: metrics, runs: VerificationRunStore(database: database), clock: clock, logger: logger)
        }
        self.retention = LagRetention(
            store: LagRetentionStore(database: database), retention: c.lagRawRetention, every: c.lagRetentionEvery,
            gapThreshold: c.lagGapThreshold, gate: gate, clock: clock, logger: logger)
        self.shipping = ShippingService(
            shippers: shippers, lag: lag, sampleInterval: c.lagSampleInterval, stallAfter: c.stallAfter, gate: gate, client: client,
            metrics: metrics, clock: clock, logger: logger)
    }

    /// Runs the daemon until SIGTERM/SIGINT. A listen address that cannot be bound (another
    /// process holds the port) is reported as `DRStartError.cannotListen`, naming it.
    public func run() async throws {
        do {
            try await application().runService()
        } catch let error as IOError where error.errnoCode == EADDRINUSE || error.errnoCode == EACCES || error.errnoCode == EADDRNOTAVAIL {
            throw DRStartError.cannotListen(host: configuration.listenHost, port: configuration.listenPort, reason: "\(error)")
        }
    }

    /// The HTTP application with every service: migrations run before it listens.
    public func application() -> some ApplicationProtocol {
        var services: [any Service] = [database.client, shipping, rejoin, retention]
        if let chainer { services.append(chainer) }
        if let copyWatch { services.append(copyWatch) }
        var app = Application(
            router: router(), server: serverBuilder(),
            configuration: .init(address: .hostname(configuration.listenHost, port: configuration.listenPort), serverName: "relay-dr"),
            services: services,
            // Not awaited here: the hello must not hold up serving; it ends with the peer client.
            onServerRunning: { _ in Task { await self.announce() } },
            logger: logger)
        let migrations = MigrationService(
            database: database, gate: gate, logger: logger,
            metadata: ["listen": "\(configuration.listenHost):\(configuration.listenPort)", "tls": "\(configuration.tls.serverMode)",
                       "peers": "\(configuration.regions.ids.filter { $0 != configuration.region }.joined(separator: ","))"])
        app.beforeServerStarts { try await migrations.prepare() }
        return app
    }

    /// HTTP/1.1, inside TLS when the configuration has a server certificate.
    func serverBuilder() -> HTTPServerBuilder {
        guard let tls = configuration.tls.server else { return .http1() }
        do { return try .tls(.http1(), tlsConfiguration: tls) } catch {
            // Fail closed: never plain HTTP when TLS was asked for; the server stops with this error.
            return HTTPServerBuilder { _ in throw error }
        }
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        let maxBody = configuration.maxBodyBytes
        router.post("/v1/replication/batches") { [self] request, _ -> Response in
            let bytes: ByteBuffer
            do { bytes = try await request.body.collect(upTo: maxBody) } catch {
                metrics.batchRejected(origin: "unknown", reason: "too_large")
                return Self.json(413, ["detail": .string("batch larger than \(maxBody) bytes"), "error": "too_large"])
            }
            let (status, body) = await receiver.receive(Array(buffer: bytes))
            return Self.json(status, body)
        }
        router.post("/v1/replication/hello") { [self] request, _ -> Response in
            await hello(request)
        }
        router.get("/v1/status") { [self] _, _ -> Response in
            await read("status", within: .seconds(5)) { try await self.status() }
        }
        router.get("/v1/copies") { [self] request, _ -> Response in
            let origin = request.uri.queryParameters.get("origin")
            if let origin, configuration.regions.region(origin) == nil {
                return Self.json(400, ["detail": .string("unknown origin '\(origin)' (regions: \(configuration.regions.ids.joined(separator: ", ")))")])
            }
            return await read("copies", within: .seconds(10)) { try await self.copies(origin: origin) }
        }
        router.get("/v1/copies/check") { [self] _, _ -> Response in
            await fullCheck()
        }
        router.get("/v1/copies/:origin/hash") { [self] request, context -> Response in
            await copyHash(origin: context.parameters.get("origin") ?? "", seq: request.uri.queryParameters.get("seq"))
        }
        router.get("/v1/routing") { [self] _, _ -> Response in
            await read("routing", within: .seconds(2)) { try await self.control.routing() }
        }
        router.get("/v1/history") { [self] _, _ -> Response in
            await read("history", within: .seconds(10)) { try await self.control.history() }
        }
        router.get("/v1/report") { [self] request, _ -> Response in
            await reportRoute(from: request.uri.queryParameters.get("from"), to: request.uri.queryParameters.get("to"))
        }
        router.get("/v1/stranded") { [self] _, _ -> Response in
            await read("stranded records", within: .seconds(10)) { try await self.control.stranded() }
        }
        router.post("/v1/control") { [self] request, _ -> Response in
            guard let token = configuration.adminToken else {
                return Self.json(403, ["detail": "region control is disabled on this relay-dr: set RELAY_DR_ADMIN_TOKEN to enable it"])
            }
            let presented = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil } ?? ""
            guard ConstantTime.equal(Array(presented.utf8), Array(token.utf8)) else {
                logger.warning("region control refused: wrong or missing admin token")
                return Self.json(401, ["detail": "region control needs Authorization: Bearer <RELAY_DR_ADMIN_TOKEN>"])
            }
            let bytes: ByteBuffer
            do { bytes = try await request.body.collect(upTo: 64 << 10) } catch {
                return Self.json(413, ["detail": "control request larger than 64 KiB"])
            }
            let (status, body) = await control.handle(Array(buffer: bytes))
            return Self.json(status, body)
        }
        router.get("/status") { [self] _, _ -> Response in
            await statusPage()
        }
        router.get("/metrics") { [self] _, _ -> Response in
            let lag = self.lag
            _ = try? await database.bounded { try await lag.measure() }
            exportReceiving()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.registry.emitToString())))
        }
        router.get("/health") { [self] _, _ -> Response in
            let ok = await database.ping()
            let h = health(databaseOK: ok)
            return Self.json(h.httpStatus, [
                "status": .string(h.status), "region": .string(configuration.region),
                "components": ["database": .string(ok ? "healthy" : "unhealthy")],
                "problems": .array(h.problems.map { .string($0) }),
            ])
        }
        return router
    }

    /// What `/health` says, from what the shippers, the receiver and the chainer last saw.
    func health(databaseOK: Bool) -> DRHealth {
        let lags = lag.lastMeasured
        let peers = shipping.shippers.map { s in
            DRHealth.Peer(
                peer: s.peer.id, waiting: lags[s.peer.id]?.records ?? 0, stalledSince: shipping.stalledSince(s.peer.id),
                lastError: s.current.lastError)
        }
        let origins = receiver.progress.snapshot.map { origin, p in
            DRHealth.Origin(origin: origin, lastAccepted: p.lastAccepted, refusedAt: p.refusal?.at, refusal: p.refusal?.reason)
        }
        return DRHealth(
            databaseOK: databaseOK, chainerError: chainer?.status.lastError, peers: peers, origins: origins,
            started: receiver.progress.started, now: clock.now(), stallAfter: configuration.stallAfter)
    }

    /// Sets the receiving gauges of every peer region (seconds since accepted, batches in progress).
    func exportReceiving() {
        let now = clock.now()
        let seen = receiver.progress.snapshot
        for origin in configuration.regions.ids where origin != configuration.region {
            let since = seen[origin]?.lastAccepted ?? receiver.progress.started
            metrics.receiving(
                origin: origin, secondsSinceAccepted: Double(max(0, now.microseconds - since.microseconds)) / 1e6,
                inProgress: receiver.desk.inProgress(origin))
        }
    }

    /// This region's head, its peers' lag and what it holds of every other region.
    public func status() async throws -> JSONValue {
        let ledger = LedgerStore(database: database)
        // The backlog before the head: a record chained between the two reads is then in the head,
        // so "nothing unchained" always comes with the head that holds everything (a drain relies on it).
        let backlog = try await ledger.backlog(region: configuration.region)
        let head = try await ledger.recordedHead(region: configuration.region) ?? .empty()
        let lags = try await lag.measure()
        let errors = Dictionary(uniqueKeysWithValues: shipping.shippers.map { ($0.peer.id, $0.current) })
        let replicas = try await ReplicaStore(database: database).heads()
        return [
            "region": .string(configuration.region), "at": .string(clock.now().iso8601),
            "head": ["seq": .number(Double(head.seq)), "hash": .string(Hex.encode(head.hash)), "epoch": .number(Double(head.epoch)),
                     "unchained": .number(Double(backlog.count))],
            "peers": .array(lags.map { l in
                [
                    "peer": .string(l.peer), "acked_seq": .number(Double(l.ackedSeq)), "lag_records": .number(Double(l.records)),
                    "lag_seconds": .number((l.seconds * 1000).rounded() / 1000),
                    "last_error": errors[l.peer]?.lastError.map { .string($0) } ?? .null,
                    "last_success": errors[l.peer]?.lastSuccess.map { .string($0.iso8601) } ?? .null,
                ]
            }),
            "replicas": .array(replicas.map { r in
                [
                    "origin": .string(r.head.origin), "seq": .number(Double(r.head.seq)), "hash": .string(Hex.encode(r.head.hash)),
                    "epoch": .number(Double(r.head.epoch)), "quarantined": .bool(r.head.quarantined),
                    "quarantine_reason": r.reason.map { .string($0) } ?? .null,
                    "committed_at": r.committedAt.map { .string($0.iso8601) } ?? .null,
                ]
            }),
        ]
    }

    /// A read-only document from the database, or 503 naming what is unavailable and why.
    func read(_ what: String, within limit: Duration, _ document: @escaping @Sendable () async throws -> JSONValue) async -> Response {
        do { return Self.json(200, try await database.bounded(limit, document)) } catch {
            return Self.json(503, ["detail": .string("\(what) unavailable: \(error)"), "region": .string(configuration.region)])
        }
    }

    static func json(_ status: Int, _ body: JSONValue) -> Response {
        Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: CanonicalJSON.bytes(body))))
    }
}

/// Why relay-dr could not start serving.
public enum DRStartError: Error, CustomStringConvertible {
    /// The replication port could not be bound.
    case cannotListen(host: String, port: Int, reason: String)

    public var description: String {
        switch self {
        case .cannotListen(let host, let port, let reason):
            "cannot listen on \(host):\(port) (RELAY_DR_LISTEN, default: the port of this region's dr_url): \(reason); is another relay-dr or process using it?"
        }
    }
}
