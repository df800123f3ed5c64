import AsyncHTTPClient
import Logging
import RelayCore
import RelayLedger
import RelayStore
import ServiceLifecycle
import Synchronization

/// Runs one shipper per peer and the lag sampler, once the schema is ready, until shutdown. Each
/// sample also tells every peer's `ProgressWatch` whether shipping is moving; a stall and its end
/// are logged once and exported (`relay_dr_shipping_stalled`).
final class ShippingService: Service, Sendable {
    let shippers: [PeerShipper]
    let lag: LagMonitor
    let sampleInterval: Duration
    let gate: ReadyGate
    let client: HTTPClient
    let metrics: DRMetrics
    let clock: RelayClock
    let logger: Logger
    private let watches: Mutex<[String: ProgressWatch]>

    init(
        shippers: [PeerShipper], lag: LagMonitor, sampleInterval: Duration, stallAfter: Duration, gate: ReadyGate, client: HTTPClient,
        metrics: DRMetrics, clock: RelayClock, logger: Logger
    ) {
        self.shippers = shippers
        self.lag = lag
        self.sampleInterval = sampleInterval
        self.gate = gate
        self.client = client
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
        self.watches = Mutex(Dictionary(uniqueKeysWithValues: shippers.map { ($0.peer.id, ProgressWatch(stallAfter: stallAfter)) }))
    }

    /// Ends the back-off of the shipper towards `peer`, whose relay-dr says it listens (again):
    /// a restarted peer is shipped to at once. False when `peer` is not a peer of this region.
    func peerIsBack(_ peer: String) -> Bool {
        guard let shipper = shippers.first(where: { $0.peer.id == peer }) else { return false }
        shipper.peerBack.raise()
        return true
    }

    /// Since when shipping to `peer` has been stalled (nil: it is not).
    func stalledSince(_ peer: String) -> Timestamp? {
        watches.withLock { w in w[peer].flatMap { $0.stalled ? $0.standingSince : nil } }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.gate.wait()
            self.logger.info("shipping started", metadata: ["peers": "\(self.shippers.map(\.peer.id).joined(separator: ","))"])
            await withTaskGroup(of: Void.self) { group in
                for shipper in self.shippers { group.addTask { await shipper.run() } }
                group.addTask {
                    while !Task.isCancelled {
                        do { self.watch(try await self.lag.sample()) } catch {
                            self.logger.warning("lag sampling failed", metadata: ["error": "\(DatabaseError.logText(error))"])
                        }
                        try? await Task.sleep(for: self.sampleInterval)
                    }
                }
                await group.waitForAll()
            }
        }
        try? await client.shutdown()
    }

    /// Feeds one lag sample to the watches; logs and exports what changed.
    private func watch(_ lags: [PeerLag]) {
        let now = clock.now()
        for l in lags {
            let change = watches.withLock { $0[l.peer]?.observe(ackedSeq: l.ackedSeq, waiting: l.records, at: now) }
            switch change {
            case .stalled(let waiting, let since):
                metrics.shippingStalled(peer: l.peer, true)
                let lastError = shippers.first { $0.peer.id == l.peer }?.current.lastError ?? "none"
                logger.error(
                    "shipping stalled: the peer has acknowledged nothing while records wait; see runbooks/replication-lag.md",
                    metadata: ["peer": "\(l.peer)", "waiting_records": "\(waiting)", "since": "\(since.iso8601)", "last_error": "\(lastError)"])
            case .recovered(let since):
                metrics.shippingStalled(peer: l.peer, false)
                logger.notice("shipping moving again", metadata: ["peer": "\(l.peer)", "stalled_since": "\(since.iso8601)", "acked_seq": "\(l.ackedSeq)"])
            case nil:
                break
            }
        }
    }
}
