import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import RelayCore
import RelayLedger
import RelayStore
import Synchronization

/// Ships this region's chain to one peer, forever: a thin loop performing what
/// `ShipperStateMachine` decides (read, sign, POST, persist the cursor, rewind, back off).
/// Kill -9 at any point is safe: the cursor only moves to what the peer acknowledged, and the
/// peer acknowledges a re-sent batch without applying it twice.
final class PeerShipper: Sendable {
    /// What the shipper knows about its peer (for status and health).
    struct State: Sendable {
        var ackedSeq: Int64 = 0
        var lastError: String?
        var lastSuccess: Timestamp?
    }

    let region: String
    let peer: Region
    let key: SigningKey
    let store: ShipperStore
    let client: HTTPClient
    let options: ShipperOptions
    let metrics: DRMetrics
    let logger: Logger
    let clock: RelayClock
    /// Counts for the next lag sample (compliance reports).
    let tally: ShipTally
    /// Raised by the chainer in this process when it links entries: ends a linger at once.
    let chained: WakeSignal
    /// Raised when the peer's relay-dr announces it (re)started: ends a backoff at once.
    let peerBack = WakeSignal()
    private let state = Mutex(State())

    init(
        region: String, peer: Region, key: SigningKey, store: ShipperStore, client: HTTPClient, options: ShipperOptions,
        metrics: DRMetrics, logger: Logger, clock: RelayClock, tally: ShipTally = ShipTally(), chained: WakeSignal = WakeSignal()
    ) {
        self.tally = tally
        self.chained = chained
        self.region = region
        self.peer = peer
        self.key = key
        self.store = store
        self.client = client
        self.options = options
        self.metrics = metrics
        var logger = logger
        logger[metadataKey: "peer"] = "\(peer.id)"
        self.logger = logger
        self.clock = clock
    }

    var current: State { state.withLock { $0 } }

    private struct PostKey: Hashable {
        var generation: Int
        var batchNo: Int64
    }

    /// An answer, with the batch and generation it belongs to.
    private typealias Delivery = (batchNo: Int64, generation: Int, answer: ShipperStateMachine.Answer)

    /// Runs until the task is cancelled.
    func run() async {
        var machine = ShipperStateMachine(
            window: options.window, linger: options.linger, initialBackoff: options.initialBackoff, maxBackoff: options.maxBackoff)
        let (answers, deliver) = AsyncStream<Delivery>.makeStream()
        var pending = answers.makeAsyncIterator()
        // Requests in flight, by (generation, batch number), so abandoned ones can be cancelled.
        var posts: [PostKey: Task<Void, Never>] = [:]
        defer {
            for post in posts.values { post.cancel() }
            deliver.finish()
        }
        var action = machine.start()
        // The chain's generation when the last read began: a linger ends as soon as it moves.
        var seen = chained.generation
        while !Task.isCancelled {
            do {
                switch action {
                case .loadCursor:
                    let c = try await store.cursor(peer: peer.id)
                    state.withLock { $0.ackedSeq = c.seq }
                    action = machine.cursorLoaded(.init(seq: c.seq, hash: c.hash, batchNo: c.batchNo))
                case .read(let seq):
                    seen = chained.generation
                    let records = try await store.entries(region: region, after: seq, limit: options.maxRecords, maxBytes: options.maxBytes)
                    action = machine.read(records)
                case .send(let plan):
                    let batch = Batch.make(records: plan.records, prevHash: plan.prevHash, batchNo: plan.batchNo, key: key, now: clock.now())
                    posts[PostKey(generation: plan.generation, batchNo: plan.batchNo)] = Task {
                        deliver.yield((plan.batchNo, plan.generation, await self.post(batch)))
                    }
                    action = machine.dispatched()
                case .awaitAnswer:
                    guard let delivery = await pending.next() else { return }
                    posts[PostKey(generation: delivery.generation, batchNo: delivery.batchNo)] = nil
                    action = machine.answered(batchNo: delivery.batchNo, generation: delivery.generation, delivery.answer)
                case .verify(let seq, let hash):
                    action = machine.verified(try await store.hash(region: region, seq: seq) == hash)
                case .persist(let cursor, let records):
                    try await store.acknowledge(peer: peer.id, seq: cursor.seq, hash: cursor.hash, batchNo: cursor.batchNo)
                    metrics.batchShipped(peer: peer.id, records: records)
                    tally.shipped(peer: peer.id, records: records)
                    state.withLock {
                        $0.ackedSeq = cursor.seq
                        $0.lastError = nil
                        $0.lastSuccess = clock.now()
                    }
                    action = machine.persisted()
                case .findRewindTarget(let seq):
                    action = machine.rewindTarget(try await store.hash(region: region, seq: seq))
                case .rewind(let cursor, let from):
                    abandon(&posts)
                    logger.info("peer is behind the cursor; rewinding", metadata: ["from_seq": "\(from)", "to_seq": "\(cursor.seq)"])
                    metrics.shipFailed(peer: peer.id, reason: "gap")
                    tally.refused(peer: peer.id, reason: "gap")
                    try await store.acknowledge(peer: peer.id, seq: cursor.seq, hash: cursor.hash, batchNo: cursor.batchNo)
                    state.withLock { $0.ackedSeq = cursor.seq }
                    action = machine.persisted()
                case .linger(let pause):
                    await chained.wait(after: seen, timeout: pause)
                    action = machine.timerFired()
                case .backOff(let pause, let reason, let label):
                    let back = peerBack.generation
                    abandon(&posts)
                    if let label {
                        metrics.shipFailed(peer: peer.id, reason: label)
                        tally.refused(peer: peer.id, reason: label)
                    }
                    await recordFailure(reason)
                    await peerBack.wait(after: back, timeout: pause)
                    if peerBack.generation != back { logger.info("peer announced it is back; retrying now") }
                    action = machine.timerFired()
                }
            } catch {
                action = machine.failed(DatabaseError.logText(error))
            }
        }
    }

    /// Cancels the requests still in flight (their answers would be ignored anyway).
    private func abandon(_ posts: inout [PostKey: Task<Void, Never>]) {
        for post in posts.values { post.cancel() }
        posts = [:]
    }

    /// Logs a failure once per distinct message (not once per retry) and keeps it for status.
    private func recordFailure(_ message: String) async {
        let repeated = state.withLock { s -> Bool in
            defer { s.lastError = message }
            return s.lastError == message
        }
        if !repeated { logger.warning("shipping failed; retrying with backoff", metadata: ["error": "\(message)"]) }
        try? await store.recordError(peer: peer.id, message)
    }

    /// POSTs `batch` and reads the answer; never throws (no answer is `.unreachable`).
    private func post(_ batch: Batch) async -> ShipperStateMachine.Answer {
        var request = HTTPClientRequest(url: peer.drURL.joined(path: "/v1/replication/batches"))
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: CanonicalJSON.bytes(batch.json)))
        let status: Int
        let body: JSONValue
        do {
            let response = try await client.execute(request, timeout: .seconds(Int64(options.requestTimeout.components.seconds)))
            status = Int(response.status.code)
            body = (try? JSONParser.parse(Array(buffer: try await response.body.collect(upTo: 1 << 20)))) ?? .null
        } catch {
            return .unreachable("\(error)")
        }
        return Self.answer(status: status, body: body)
    }

    /// Reads a peer's HTTP answer (docs/replication.md, "Answers").
    static func answer(status: Int, body: JSONValue) -> ShipperStateMachine.Answer {
        switch status {
        case 200:
            guard let seq = body["applied_seq"]?.numberValue.map(Int64.init), seq >= 0,
                let hash = body["applied_hash"]?.stringValue.flatMap(Hex.decode)
            else { return .unusable("200 without applied_seq/applied_hash") }
            return .applied(seq: seq, hash: hash)
        case 409 where body["error"] == "gap":
            return .gap(expectedSeq: body["expected_seq"]?.numberValue.map(Int64.init))
        default:
            return .refused(status: status, reason: body["error"]?.stringValue ?? "http_\(status)", detail: body["detail"]?.stringValue ?? "")
        }
    }
}
