import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import RelayCore
import RelayStore
import Synchronization

/// Ships this region's chain to one peer, forever: cut a batch after the peer's durable cursor,
/// sign it, POST it, advance the cursor on the peer's answer; rewind on a gap, back off on errors.
/// Kill -9 at any point is safe: the cursor only moves to what the peer acknowledged, and the
/// peer acknowledges a re-sent batch without applying it twice.
final class PeerShipper: Sendable {
    /// What the shipper knows about its peer (for status).
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
    private let state = Mutex(State())

    init(
        region: String, peer: Region, key: SigningKey, store: ShipperStore, client: HTTPClient, options: ShipperOptions,
        metrics: DRMetrics, logger: Logger, clock: RelayClock
    ) {
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

    /// Where shipping stands: the last batch sent or acknowledged (seq, its hash, batch number).
    struct Cursor: Sendable, Equatable {
        var seq: Int64
        var hash: [UInt8]
        var batchNo: Int64
    }

    /// Runs until the task is cancelled. The acknowledged cursor is read from the database once
    /// and kept in memory (only this shipper moves it); it is read again after any failure.
    func run() async {
        var backoff = options.initialBackoff
        var acked: Cursor?
        while !Task.isCancelled {
            do {
                if acked == nil {
                    let c = try await store.cursor(peer: peer.id)
                    acked = Cursor(seq: c.seq, hash: c.hash, batchNo: c.batchNo)
                    state.withLock { $0.ackedSeq = c.seq }
                }
                let shipped = try await ship(from: &acked!)
                backoff = options.initialBackoff
                if !shipped { try? await Task.sleep(for: options.linger) }
            } catch {
                acked = nil
                let message = "\(error)"
                let repeated = state.withLock { s -> Bool in
                    defer { s.lastError = message }
                    return s.lastError == message
                }
                if !repeated { logger.warning("shipping failed; retrying with backoff", metadata: ["error": "\(message)"]) }
                try? await store.recordError(peer: peer.id, message)
                // Full jitter: a random pause up to the current backoff, so peers do not retry in step.
                let ms = max(1, backoff.milliseconds)
                try? await Task.sleep(for: .milliseconds(Int64.random(in: ms / 2...ms)))
                backoff = min(backoff * 2, options.maxBackoff)
            }
        }
    }

    /// Sends everything chained after `acked`, keeping up to `options.window` batches in flight so
    /// a long round trip does not cap throughput; answers are taken in batch order and each moves
    /// `acked`. Returns false when there was nothing to send. Memory: at most `window` batches.
    /// On a failure the batches still in flight are abandoned (the caller re-reads the cursor and
    /// sends again from there; the peer acknowledges what it already holds without applying it twice).
    func ship(from acked: inout Cursor) async throws -> Bool {
        var sent = acked
        var shipped = false
        var rewound = false
        try await withThrowingTaskGroup(of: (Batch, Int, JSONValue).self) { group in
            var inFlight = 0
            var answered: [Int64: (Batch, Int, JSONValue)] = [:]
            var drained = false
            while true {
                while !drained, !rewound, inFlight < options.window {
                    let records = try await store.entries(region: region, after: sent.seq, limit: options.maxRecords, maxBytes: options.maxBytes)
                    guard !records.isEmpty else {
                        drained = true
                        break
                    }
                    let batch = Batch.make(records: records, prevHash: sent.hash, batchNo: sent.batchNo + 1, key: key, now: clock.now())
                    sent = Cursor(seq: batch.header.lastSeq, hash: batch.header.headHash, batchNo: batch.header.batchNo)
                    group.addTask { try await self.post(batch) }
                    inFlight += 1
                }
                guard inFlight > 0, let answer = try await group.next() else { return }
                inFlight -= 1
                answered[answer.0.header.batchNo] = answer
                while !rewound, let next = answered.removeValue(forKey: acked.batchNo + 1) {
                    rewound = try await take(next, acked: &acked)
                    shipped = true
                }
                // After a rewind the batches still in flight were cut from the wrong place.
                if rewound {
                    group.cancelAll()
                    return
                }
            }
        }
        return shipped
    }

    /// Applies the peer's answer to one batch to `acked`; returns true when the peer asked to rewind.
    private func take(_ answer: (Batch, Int, JSONValue), acked: inout Cursor) async throws -> Bool {
        let (batch, status, body) = answer
        let records = Int(batch.header.count)
        switch status {
        case 200:
            guard let seq = body["applied_seq"]?.numberValue.map(Int64.init), let hashText = body["applied_hash"]?.stringValue,
                let hash = Hex.decode(hashText), seq >= 0
            else { throw ShipError.badAnswer("200 without applied_seq/applied_hash") }
            // The peer's claim must match this region's own chain before the cursor moves (the
            // usual answer names the batch's own head; anything else is looked up).
            let known = seq == batch.header.lastSeq && hash == batch.header.headHash
            if !known, try await store.hash(region: region, seq: seq) != hash {
                throw ShipError.badAnswer("peer acknowledged seq \(seq) with a hash this region never had")
            }
            // A duplicate's answer may name a head beyond this batch (or behind an earlier answer's):
            // the cursor never moves backwards here.
            if seq >= acked.seq {
                acked.seq = seq
                acked.hash = hash
            }
            acked.batchNo = batch.header.batchNo
            try await store.acknowledge(peer: peer.id, seq: acked.seq, hash: acked.hash, batchNo: acked.batchNo)
            metrics.batchShipped(peer: peer.id, records: records)
            state.withLock {
                $0.ackedSeq = acked.seq
                $0.lastError = nil
                $0.lastSuccess = clock.now()
            }
            return false
        case 409 where body["error"] == "gap":
            // The peer holds less than the cursor says (restored from a backup, say): rewind.
            guard let expected = body["expected_seq"]?.numberValue.map(Int64.init), expected >= 1,
                let hash = try await store.hash(region: region, seq: expected - 1)
            else { throw ShipError.badAnswer("409 gap without a usable expected_seq") }
            logger.info("peer is behind the cursor; rewinding", metadata: ["from_seq": "\(acked.seq)", "to_seq": "\(expected - 1)"])
            try await store.acknowledge(peer: peer.id, seq: expected - 1, hash: hash, batchNo: batch.header.batchNo)
            acked = Cursor(seq: expected - 1, hash: hash, batchNo: batch.header.batchNo)
            state.withLock { $0.ackedSeq = acked.seq }
            metrics.shipFailed(peer: peer.id, reason: "gap")
            return true
        default:
            let reason = body["error"]?.stringValue ?? "http_\(status)"
            metrics.shipFailed(peer: peer.id, reason: reason)
            throw ShipError.refused(status: status, detail: body["detail"]?.stringValue ?? "")
        }
    }

    private func post(_ batch: Batch) async throws -> (Batch, Int, JSONValue) {
        var request = HTTPClientRequest(url: peer.drURL.joined(path: "/v1/replication/batches"))
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: CanonicalJSON.bytes(batch.json)))
        let response = try await client.execute(request, timeout: .seconds(Int64(options.requestTimeout.components.seconds)))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let json = (try? JSONParser.parse(Array(buffer: bytes))) ?? .null
        return (batch, Int(response.status.code), json)
    }
}

/// Why a shipping attempt failed (logged, recorded in the cursor, retried).
enum ShipError: Error, CustomStringConvertible {
    case refused(status: Int, detail: String)
    case badAnswer(String)

    var description: String {
        switch self {
        case .refused(let status, let detail): "peer answered \(status): \(detail)"
        case .badAnswer(let why): "unusable answer from peer: \(why)"
        }
    }
}
