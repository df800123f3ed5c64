import Logging
import RelayCore
import RelayStore
import RelaySystem

/// The receiving side of replication (`POST /v1/replication/batches`): every check of
/// docs/replication.md before anything is written, then admission (`ReceiverAdmission`: one batch
/// per origin at a time, twins share one outcome, bounded waits in memory), then ONE transaction
/// in which `ReplicaHead.decide` says what to write. Never throws: every outcome is an HTTP
/// status and a JSON body.
public struct BatchReceiver: Sendable {
    /// This region (batches claiming to come from it are refused).
    public let region: String
    public let regions: RegionSet
    let store: ReplicaStore
    let metrics: DRMetrics
    let logger: Logger
    let clock: RelayClock
    let desk: AdmissionDesk
    /// What arrived from each origin and when (for health).
    let progress: ReceiverProgress

    /// A receiver for `region` that trusts the ledger keys listed in `regions`. A batch waits at
    /// most `turnWait` for its origin's previous batch to be applied (then 503 busy), and at most
    /// `reorderWait` for a predecessor that has not arrived (then 409 gap).
    public init(
        region: String, regions: RegionSet, database: Database, metrics: DRMetrics, logger: Logger, clock: RelayClock = .system,
        turnWait: Duration = .seconds(5), reorderWait: Duration = .seconds(2)
    ) {
        self.region = region
        self.regions = regions
        self.store = ReplicaStore(database: database)
        self.metrics = metrics
        self.logger = logger
        self.clock = clock
        self.desk = AdmissionDesk(turnWait: turnWait, reorderWait: reorderWait)
        self.progress = ReceiverProgress(clock: clock)
    }

    /// Handles one request body.
    public func receive(_ bytes: [UInt8]) async -> (status: Int, body: JSONValue) {
        let started = ContinuousClock.now
        var origin = "unknown"
        let batch: Batch
        do {
            batch = try Batch.parse(bytes)
            let claimed = batch.header.origin
            guard claimed != region, regions.region(claimed) != nil else { throw BatchError.unknownOrigin(claimed) }
            origin = claimed
            try batch.checkSignature(trusted: regions.trustedKeys(purpose: .ledger, region: origin, at: batch.header.createdAt))
            try batch.checkRecords()
        } catch let error as BatchError {
            return await refuse(error, origin: origin)
        } catch {
            return await refuse(.malformed("\(error)"), origin: origin)
        }
        let h = batch.header
        let (ticket, first) = desk.arrive(origin: origin, shape: .init(firstSeq: h.firstSeq, lastSeq: h.lastSeq, headHash: h.headHash))
        var turn = first
        var reordered = false
        while true {
            switch turn {
            case .apply:
                let (result, outcome) = await attempt(batch, started: started)
                switch desk.finish(ticket, outcome: outcome, status: result.status, body: result.body) {
                case .answer: return result
                case .end(let wake): return await answer(for: wake, origin: origin, batch: batch)
                case .wait(let deadline):
                    // It overtook its predecessor (several batches in flight): wait for it.
                    if !reordered { metrics.batchReordered(origin: origin) }
                    reordered = true
                    turn = .wait(deadline: deadline)
                }
            case .wait(let deadline):
                let wake = await desk.wait(ticket, deadline: deadline)
                guard case .apply = wake else { return await answer(for: wake, origin: origin, batch: batch) }
                turn = .apply
            }
        }
    }

    /// One attempt under the origin's replica head lock: the answer, and what admission needs to know.
    private func attempt(_ batch: Batch, started: ContinuousClock.Instant) async -> ((status: Int, body: JSONValue), ReceiverAdmission.Outcome) {
        let origin = batch.header.origin
        let h = batch.header
        do {
            let (decision, head) = try await store.withLockedHead(
                origin, purpose: "apply batch \(h.batchNo) from \(origin) (seqs \(h.firstSeq)…\(h.lastSeq))"
            ) { tx in
                let held = h.firstSeq <= tx.head.seq ? try await tx.hashes(from: h.firstSeq, through: min(h.lastSeq, tx.head.seq)) : [:]
                switch try tx.head.decide(batch, held: held, cutoff: tx.cutoff) {
                case .duplicate: return (ReplicaHead.Decision.duplicate, tx.head)
                case .apply(let from): return (ReplicaHead.Decision.apply(fromIndex: from), try await tx.append(batch, from: from))
                }
            }
            let duplicate = decision == .duplicate
            // A re-delivered batch is acknowledged (the shipper may have lost the answer), and
            // also counted as refused: a replay changes nothing, and an unexpected rate of them is worth seeing.
            if duplicate { metrics.batchRejected(origin: origin, reason: "duplicate") }
            metrics.batchAccepted(origin: origin, duplicate: duplicate, records: batch.records.count, duration: ContinuousClock.now - started)
            progress.applied(origin, headSeq: head.seq, duplicate: duplicate)
            logger.debug(
                "batch applied",
                metadata: ["origin": "\(origin)", "first_seq": "\(h.firstSeq)", "last_seq": "\(h.lastSeq)", "duplicate": "\(duplicate)"])
            let body: JSONValue = [
                "status": .string(duplicate ? "duplicate" : "applied"), "applied_seq": .number(Double(head.seq)),
                "applied_hash": .string(Hex.encode(head.hash)),
            ]
            return ((200, body), .held(headSeq: head.seq))
        } catch BatchError.gap(let expected) {
            // Not answered yet: admission decides whether it waits for its predecessor.
            return (Self.gapAnswer(expected), .gap(expectedSeq: expected))
        } catch let error as BatchError {
            return (await refuse(error, origin: origin, batch: batch), .other)
        } catch {
            // The database failed: nothing was applied; the shipper retries.
            let reason = DatabaseError.logText(error)
            metrics.batchRejected(origin: origin, reason: "unavailable")
            progress.refused(origin, reason: reason)
            logger.warning("cannot apply batch", metadata: ["origin": "\(origin)", "error": "\(reason)"])
            return ((503, ["detail": .string("cannot apply the batch now: \(reason)"), "error": "unavailable"]), .other)
        }
    }

    /// The answer for a batch that waited and was woken without applying.
    private func answer(for wake: AdmissionDesk.Wake, origin: String, batch: Batch) async -> (status: Int, body: JSONValue) {
        switch wake {
        case .answer(let status, let body):
            if status == 200 { metrics.batchRejected(origin: origin, reason: "duplicate") }
            return (status, body)
        case .gap(let expected):
            return await refuse(.gap(expectedSeq: expected), origin: origin)
        case .busy:
            metrics.batchRejected(origin: origin, reason: "busy")
            progress.refused(origin, reason: "busy: batches \(batch.header.firstSeq)…\(batch.header.lastSeq) waited for their turn too long")
            logger.info("batch refused: busy", metadata: ["origin": "\(origin)", "first_seq": "\(batch.header.firstSeq)"])
            return (503, [
                "detail": .string("batches from \(origin) are applied one at a time and this one's turn did not come in time; retry"),
                "error": "busy",
            ])
        case .apply:
            return (500, ["detail": "internal: woken to apply after the decision", "error": "internal"])
        }
    }

    private static func gapAnswer(_ expected: Int64) -> (status: Int, body: JSONValue) {
        let error = BatchError.gap(expectedSeq: expected)
        return (error.status, ["detail": .string(error.description), "error": .string(error.reason), "expected_seq": .number(Double(expected))])
    }

    /// The answer refusing a batch; `batch` is given once its signature and records checked out
    /// (a divergent one is kept as evidence: the origin signed it).
    private func refuse(_ error: BatchError, origin: String, batch: Batch? = nil) async -> (status: Int, body: JSONValue) {
        metrics.batchRejected(origin: origin, reason: error.reason)
        if origin != "unknown" { progress.refused(origin, reason: error.description) }
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
            let evidence = batch.map { (seq: seq, batch: CanonicalJSON.bytes($0.json)) }
            do { try await store.quarantine(origin: origin, reason: error.description, evidence: evidence) } catch {
                logger.error("cannot record the quarantine", metadata: ["origin": "\(origin)", "error": "\(DatabaseError.logText(error))"])
            }
        default:
            logger.warning("batch refused", metadata: ["origin": "\(origin)", "reason": "\(error.reason)", "detail": "\(error)"])
        }
        return (error.status, .object(body))
    }
}
