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

    /// Runs until the task is cancelled.
    func run() async {
        var backoff = options.initialBackoff
        while !Task.isCancelled {
            do {
                let shipped = try await shipOnce()
                backoff = options.initialBackoff
                if !shipped { try? await Task.sleep(for: options.linger) }
            } catch {
                let message = "\(error)"
                let repeated = state.withLock { s -> Bool in
                    defer { s.lastError = message }
                    return s.lastError == message
                }
                if !repeated { logger.warning("shipping failed; retrying with backoff", metadata: ["error": "\(message)"]) }
                try? await store.recordError(peer: peer.id, message)
                // Full jitter: a random pause up to the current backoff, so peers do not retry in step.
                let ms = max(1, Int64(backoff.components.seconds * 1000 + backoff.components.attoseconds / 1_000_000_000_000_000))
                try? await Task.sleep(for: .milliseconds(Int64.random(in: ms / 2...ms)))
                backoff = min(backoff * 2, options.maxBackoff)
            }
        }
    }

    /// Sends the next batch, if any; returns false when there was nothing to send.
    func shipOnce() async throws -> Bool {
        let cursor = try await store.cursor(peer: peer.id)
        state.withLock { $0.ackedSeq = cursor.seq }
        let records = try await store.entries(region: region, after: cursor.seq, limit: options.maxRecords, maxBytes: options.maxBytes)
        guard !records.isEmpty else { return false }
        let batch = Batch.make(records: records, prevHash: cursor.hash, batchNo: cursor.batchNo + 1, key: key, now: clock.now())
        let (status, body) = try await post(batch)
        switch status {
        case 200:
            guard let seq = body["applied_seq"]?.numberValue.map(Int64.init), let hashText = body["applied_hash"]?.stringValue,
                let hash = Hex.decode(hashText), seq >= 0
            else { throw ShipError.badAnswer("200 without applied_seq/applied_hash") }
            // The peer's claim must match this region's own chain before the cursor moves.
            guard try await store.hash(region: region, seq: seq) == hash else {
                throw ShipError.badAnswer("peer acknowledged seq \(seq) with a hash this region never had")
            }
            try await store.acknowledge(peer: peer.id, seq: seq, hash: hash, batchNo: batch.header.batchNo)
            metrics.batchShipped(peer: peer.id, records: records.count)
            state.withLock {
                $0.ackedSeq = seq
                $0.lastError = nil
                $0.lastSuccess = clock.now()
            }
            return true
        case 409 where body["error"] == "gap":
            // The peer holds less than the cursor says (restored from a backup, say): rewind.
            guard let expected = body["expected_seq"]?.numberValue.map(Int64.init), expected >= 1,
                let hash = try await store.hash(region: region, seq: expected - 1)
            else { throw ShipError.badAnswer("409 gap without a usable expected_seq") }
            logger.info("peer is behind the cursor; rewinding", metadata: ["from_seq": "\(cursor.seq)", "to_seq": "\(expected - 1)"])
            try await store.acknowledge(peer: peer.id, seq: expected - 1, hash: hash, batchNo: batch.header.batchNo)
            metrics.shipFailed(peer: peer.id, reason: "gap")
            return true
        default:
            let reason = body["error"]?.stringValue ?? "http_\(status)"
            metrics.shipFailed(peer: peer.id, reason: reason)
            throw ShipError.refused(status: status, detail: body["detail"]?.stringValue ?? "")
        }
    }

    private func post(_ batch: Batch) async throws -> (Int, JSONValue) {
        var request = HTTPClientRequest(url: peer.drURL.absoluteString.trimmingSuffix("/") + "/v1/replication/batches")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: CanonicalJSON.bytes(batch.json)))
        let response = try await client.execute(request, timeout: .seconds(Int64(options.requestTimeout.components.seconds)))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let json = (try? JSONParser.parse(Array(buffer: bytes))) ?? .null
        return (Int(response.status.code), json)
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

extension String {
    /// Without one trailing `suffix`.
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
