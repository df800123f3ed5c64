import Logging
import RelayCore
import RelayStore
import Synchronization

/// RPO per (this origin → peer), on this region's clock (docs/replication.md, "Lag (RPO) and status"): records not yet acknowledged
/// and the age of the oldest of them (0 when caught up).
public struct PeerLag: Sendable, Equatable {
    public var peer: String
    public var headSeq: Int64
    public var ackedSeq: Int64
    public var records: Int64
    public var seconds: Double
}

/// Measures the lag of every peer from the durable cursors, sets the gauges, and samples it.
final class LagMonitor: Sendable {
    let region: String
    /// The last measurement of every peer (for /health, which must not wait for the database).
    private let last = Mutex<[String: PeerLag]>([:])
    let peers: [String]
    let ledger: LedgerStore
    let shipper: ShipperStore
    let metrics: DRMetrics
    let clock: RelayClock
    /// What the shippers did since the last sample (drained into each sample).
    let tally: ShipTally

    init(
        region: String, peers: [String], ledger: LedgerStore, shipper: ShipperStore, metrics: DRMetrics, clock: RelayClock,
        tally: ShipTally = ShipTally()
    ) {
        self.tally = tally
        self.region = region
        self.peers = peers
        self.ledger = ledger
        self.shipper = shipper
        self.metrics = metrics
        self.clock = clock
    }

    /// The current lag of every peer.
    func measure() async throws -> [PeerLag] {
        let head = try await ledger.recordedHead(region: region)?.seq ?? 0
        // One read-only query for every peer: this runs on each /metrics scrape and /v1/status.
        let ackedSeqs = try await shipper.ackedSeqs()
        var out: [PeerLag] = []
        for peer in peers {
            let acked = ackedSeqs[peer] ?? 0
            var seconds = 0.0
            if acked < head, let oldest = try await shipper.committedAt(region: region, seq: acked + 1) {
                seconds = max(0, Double(clock.now().microseconds - oldest.microseconds) / 1e6)
            }
            let lag = PeerLag(peer: peer, headSeq: head, ackedSeq: acked, records: max(0, head - acked), seconds: seconds)
            metrics.lag(origin: region, peer: peer, records: lag.records, seconds: lag.seconds)
            out.append(lag)
        }
        last.withLock { l in for lag in out { l[lag.peer] = lag } }
        return out
    }

    /// What `measure` found last, by peer.
    var lastMeasured: [String: PeerLag] { last.withLock { $0 } }

    /// Measures and stores one sample per peer, with what its shipper did since the previous
    /// sample (counts that could not be stored go into the next one); returns what it measured.
    @discardableResult
    func sample() async throws -> [PeerLag] {
        let lags = try await measure()
        let shipping = tally.drain()
        do {
            try await shipper.recordLag(
                origin: region, samples: lags.map { LagSampleRow(peer: $0.peer, records: $0.records, seconds: $0.seconds, shipping: shipping[$0.peer] ?? .init()) })
        } catch {
            tally.restore(shipping)
            throw error
        }
        return lags
    }
}
