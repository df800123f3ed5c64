import Logging
import RelayCore
import RelayStore
import Synchronization

/// The receiving side of replication (`POST /v1/replication/batches`): every check of
/// docs/replication.md before anything is written, then one transaction. Never throws: every
/// outcome is an HTTP status and a JSON body.
public struct BatchReceiver: Sendable {
    /// This region (batches claiming to come from it are refused).
    public let region: String
    public let regions: RegionSet
    let store: ReplicaStore
    let metrics: DRMetrics
    let logger: Logger
    let clock: RelayClock
    /// How long a batch that starts beyond the replica head waits for its predecessors (the
    /// shipper keeps several in flight, so they may arrive out of order) before it is a gap.
    let reorderWait: Duration
    private let applied = AppliedHeads()

    /// Creates a receiver for `region` that trusts the ledger keys listed in `regions`.
    public init(
        region: String, regions: RegionSet, database: Database, metrics: DRMetrics, logger: Logger, clock: RelayClock = .system,
        reorderWait: Duration = .seconds(2)
    ) {
        self.region = region
        self.regions = regions
        self.store = ReplicaStore(database: database)
        self.metrics = metrics
        self.logger = logger
        self.clock = clock
        self.reorderWait = reorderWait
    }

    /// Handles one request body.
    public func receive(_ bytes: [UInt8]) async -> (status: Int, body: JSONValue) {
        let started = ContinuousClock.now
        var origin = "unknown"
        do {
            let batch = try Batch.parse(bytes)
            let claimed = batch.header.origin
            guard claimed != region, regions.region(claimed) != nil else { throw BatchError.unknownOrigin(claimed) }
            origin = claimed
            try batch.checkSignature(trusted: regions.trustedKeys(purpose: .ledger, region: origin, at: batch.header.createdAt))
            try batch.checkRecords()
            let (decision, head) = try await applyInOrder(batch)
            let duplicate = decision == .duplicate
            // A re-delivered batch is acknowledged (the shipper may have lost the answer), and
            // also counted as refused: a replay changes nothing, and an unexpected rate of them is worth seeing.
            if duplicate { metrics.batchRejected(origin: origin, reason: "duplicate") }
            metrics.batchAccepted(origin: origin, duplicate: duplicate, records: batch.records.count, duration: ContinuousClock.now - started)
            logger.debug(
                "batch applied",
                metadata: ["origin": "\(origin)", "first_seq": "\(batch.header.firstSeq)", "last_seq": "\(batch.header.lastSeq)", "duplicate": "\(duplicate)"])
            return (200, [
                "status": .string(duplicate ? "duplicate" : "applied"), "applied_seq": .number(Double(head.seq)),
                "applied_hash": .string(Hex.encode(head.hash)),
            ])
        } catch let error as BatchError {
            return await refuse(error, origin: origin)
        } catch {
            // The database failed: nothing was applied; the shipper retries.
            metrics.batchRejected(origin: origin, reason: "unavailable")
            logger.warning("cannot apply batch", metadata: ["origin": "\(origin)", "error": "\(error)"])
            return (503, ["detail": .string("cannot apply the batch now: \(error)"), "error": "unavailable"])
        }
    }

    /// Applies `batch`; on a gap, waits for the batches before it to be applied here (until
    /// `reorderWait` has passed) and tries again. The database decides; the wait is only a hint.
    private func applyInOrder(_ batch: Batch) async throws -> (ReplicaHead.Decision, ReplicaHead) {
        let origin = batch.header.origin
        let deadline = ContinuousClock.now + reorderWait
        var waited = false
        while true {
            do {
                let result = try await store.apply(batch)
                applied.advance(origin, to: result.head.seq)
                return result
            } catch BatchError.gap where ContinuousClock.now < deadline {
                if !waited { metrics.batchReordered(origin: origin) }
                waited = true
                repeat { try await Task.sleep(for: .milliseconds(2)) } while ContinuousClock.now < deadline
                    && applied.seq(origin) < batch.header.firstSeq - 1
            }
        }
    }

    private func refuse(_ error: BatchError, origin: String) async -> (status: Int, body: JSONValue) {
        metrics.batchRejected(origin: origin, reason: error.reason)
        var body: [String: JSONValue] = ["detail": .string(error.description), "error": .string(error.reason)]
        switch error {
        case .gap(let expected):
            body["expected_seq"] = .number(Double(expected))
            logger.info("batch refused: gap", metadata: ["origin": "\(origin)", "expected_seq": "\(expected)"])
        case .divergence(let seq, _):
            body["seq"] = .number(Double(seq))
            metrics.quarantined(origin: origin)
            logger.critical(
                "DIVERGENCE: origin history differs from the copy held here; origin quarantined on this region",
                metadata: ["origin": "\(origin)", "seq": "\(seq)", "detail": "\(error)", "runbook": "runbooks/chain-divergence.md"])
            do { try await store.quarantine(origin: origin, reason: error.description) } catch {
                logger.error("cannot record the quarantine", metadata: ["origin": "\(origin)", "error": "\(error)"])
            }
        default:
            logger.warning("batch refused", metadata: ["origin": "\(origin)", "reason": "\(error.reason)", "detail": "\(error)"])
        }
        return (error.status, .object(body))
    }
}

/// The replica head each origin reached through this receiver (in memory; wakes waiting batches).
private final class AppliedHeads: Sendable {
    private let heads = Mutex<[String: Int64]>([:])

    func seq(_ origin: String) -> Int64 { heads.withLock { $0[origin] ?? 0 } }

    func advance(_ origin: String, to seq: Int64) {
        heads.withLock { $0[origin] = max($0[origin] ?? 0, seq) }
    }
}
