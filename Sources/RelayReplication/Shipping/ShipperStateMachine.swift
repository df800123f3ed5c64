import RelayCore

/// The decisions of one peer's shipper (docs/replication.md, "Shipping"), without I/O, clock or
/// sleeping: events in (cursor loaded, records read, the peer's answers, a lookup's result, a
/// timer), actions out (read, send, persist, rewind, back off…). `PeerShipper` performs them.
///
/// Guarantees, each covered by a unit test: the cursor moves only to what the peer acknowledged
/// and this region holds; answers are taken in batch order, however they arrive; at most
/// `window` batches are in flight; after a gap, a refusal or a failure every batch in flight is
/// abandoned (answers to abandoned batches are ignored) and sending starts again from the
/// durable cursor; retries back off exponentially with jitter, up to `maxBackoff`.
public struct ShipperStateMachine: Sendable {
    /// Where shipping stands: the last batch sent or acknowledged (seq, its hash, batch number).
    public struct Cursor: Sendable, Equatable {
        public var seq: Int64
        public var hash: [UInt8]
        public var batchNo: Int64

        /// Creates a cursor.
        public init(seq: Int64, hash: [UInt8], batchNo: Int64) {
            self.seq = seq
            self.hash = hash
            self.batchNo = batchNo
        }
    }

    /// A batch to cut, sign and send.
    public struct Plan: Sendable, Equatable {
        public var batchNo: Int64
        public var prevHash: [UInt8]
        public var records: [Batch.Record]
        /// Answers are reported with it; answers of an older generation are ignored.
        public var generation: Int
    }

    /// The peer's answer to one batch, as the I/O layer read it.
    public enum Answer: Sendable, Equatable {
        /// 200: the peer holds the chain up to `seq`, whose hash is `hash`.
        case applied(seq: Int64, hash: [UInt8])
        /// 409 gap: the peer holds less than the cursor says; send from `expectedSeq`.
        case gap(expectedSeq: Int64?)
        /// Any other status (`reason` is the answer's `error` member, or `http_<status>`).
        case refused(status: Int, reason: String, detail: String)
        /// No answer: connection refused, reset, timeout.
        case unreachable(String)
        /// An answer that cannot be used (a 200 without its seq and hash).
        case unusable(String)
    }

    /// What to do next.
    public enum Action: Sendable, Equatable {
        /// Read the durable cursor, then report `cursorLoaded`.
        case loadCursor
        /// Read up to a batch of this region's entries after `seq`, then report `read`.
        case read(after: Int64)
        /// Sign and send the batch; report `dispatched()` at once, and `answered` when the answer comes.
        case send(Plan)
        /// Nothing to do until an answer (`answered`) arrives.
        case awaitAnswer
        /// Does this region's chain hold `hash` at `seq`? Report `verified`.
        case verify(seq: Int64, hash: [UInt8])
        /// Store the acknowledged cursor durably (`records` were acknowledged); report `persisted()`.
        case persist(Cursor, records: Int)
        /// Look up this region's hash at `seq` (the peer asked to resend after it); report `rewindTarget`.
        case findRewindTarget(seq: Int64)
        /// Store the rewound cursor durably, abandoning every batch in flight; report `persisted()`.
        case rewind(to: Cursor, from: Int64)
        /// Nothing new to send: wait, then report `timerFired()`.
        case linger(Duration)
        /// Abandon every batch in flight, record `reason` (a metric label when `label` is set),
        /// wait, then report `timerFired()`.
        case backOff(Duration, reason: String, label: String?)
    }

    private struct InFlight: Sendable, Equatable {
        var batchNo: Int64
        var lastSeq: Int64
        var headHash: [UInt8]
        var count: Int
    }

    private enum Phase: Sendable, Equatable {
        case needsCursor
        case shipping
        case verifying(seq: Int64, hash: [UInt8])
        case rewinding(expectedSeq: Int64)
        case lingering
        case backingOff
    }

    /// Batches in flight at most.
    public let window: Int
    /// Pause when nothing new was chained.
    public let linger: Duration
    /// First retry delay; doubles up to `maxBackoff`.
    public let initialBackoff: Duration
    /// Longest retry delay.
    public let maxBackoff: Duration

    private var phase = Phase.needsCursor
    private var random: SplitMix64
    private var backoff: Duration
    private var generation = 0
    private var inFlight: [InFlight] = []
    private var answers: [Int64: Answer] = [:]
    private var drained = false
    /// Something was acknowledged since the last read that found nothing: look again at once.
    private var progressed = false
    /// The durable cursor, as last loaded or persisted; nil until loaded (and after a failure).
    public private(set) var acked: Cursor?
    /// The tip of what has been cut (the next batch follows it).
    public private(set) var sent: Cursor?

    /// A machine with the shipper's options; `random` draws the jitter of retries.
    public init(window: Int, linger: Duration, initialBackoff: Duration, maxBackoff: Duration, random: SplitMix64 = SplitMix64()) {
        self.window = max(1, window)
        self.linger = linger
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.random = random
        self.backoff = initialBackoff
    }

    /// Batches sent and not yet answered (in the current generation).
    public var batchesInFlight: Int { inFlight.count }

    // MARK: Events

    /// The shipper starts.
    public mutating func start() -> Action {
        phase = .needsCursor
        return .loadCursor
    }

    /// The durable cursor was read.
    public mutating func cursorLoaded(_ cursor: Cursor) -> Action {
        guard phase == .needsCursor else { return next() }
        acked = cursor
        sent = cursor
        phase = .shipping
        return next()
    }

    /// The entries after the last `read(after:)` (empty when nothing new is chained).
    public mutating func read(_ records: [Batch.Record]) -> Action {
        guard phase == .shipping, let tip = sent else { return next() }
        guard let last = records.last else {
            drained = true
            return next()
        }
        let plan = Plan(batchNo: tip.batchNo + 1, prevHash: tip.hash, records: records, generation: generation)
        sent = Cursor(seq: last.entry.seq, hash: last.entry.hash, batchNo: plan.batchNo)
        inFlight.append(InFlight(batchNo: plan.batchNo, lastSeq: last.entry.seq, headHash: last.entry.hash, count: records.count))
        return .send(plan)
    }

    /// The batch of the last `send` is on its way.
    public mutating func dispatched() -> Action {
        next()
    }

    /// The peer answered batch `batchNo` of `generation`.
    public mutating func answered(batchNo: Int64, generation: Int, _ answer: Answer) -> Action {
        if generation == self.generation, inFlight.contains(where: { $0.batchNo == batchNo }) {
            answers[batchNo] = answer
        }
        return next()
    }

    /// The result of `verify`.
    public mutating func verified(_ held: Bool) -> Action {
        guard case .verifying(let seq, let hash) = phase, !inFlight.isEmpty else { return next() }
        phase = .shipping
        guard held else { return fail("unusable answer from peer: it acknowledged seq \(seq) with a hash this region never had", label: "bad_answer") }
        return accept(seq: seq, hash: hash)
    }

    /// The result of `findRewindTarget`: this region's hash at the seq before the expected one.
    public mutating func rewindTarget(_ hash: [UInt8]?) -> Action {
        guard case .rewinding(let expected) = phase, let front = inFlight.first else { return next() }
        phase = .shipping
        guard let hash else {
            return fail("unusable answer from peer: it expects seq \(expected), beyond this region's chain", label: "bad_answer")
        }
        let from = acked?.seq ?? 0
        let target = Cursor(seq: expected - 1, hash: hash, batchNo: front.batchNo)
        abandonInFlight()
        acked = target
        sent = target
        return .rewind(to: target, from: from)
    }

    /// The cursor of the last `persist` or `rewind` is durable.
    public mutating func persisted() -> Action {
        next()
    }

    /// The wait of the last `linger` or `backOff` is over.
    public mutating func timerFired() -> Action {
        switch phase {
        case .lingering:
            phase = .shipping
            drained = false
            return next()
        case .backingOff:
            phase = .needsCursor
            return .loadCursor
        default:
            return next()
        }
    }

    /// An operation of the I/O layer (reading, persisting, a lookup) failed: back off and start
    /// again from the durable cursor.
    public mutating func failed(_ reason: String) -> Action {
        fail(reason, label: nil)
    }

    // MARK: Decisions

    /// What to do when no operation is pending: take the answers that arrived in batch order,
    /// then keep the window full, then wait.
    private mutating func next() -> Action {
        switch phase {
        case .needsCursor: return .loadCursor
        case .verifying(let seq, let hash): return .verify(seq: seq, hash: hash)
        case .rewinding(let expected): return .findRewindTarget(seq: expected - 1)
        case .lingering: return .linger(linger)
        case .backingOff: return .backOff(backoff, reason: "backing off", label: nil)
        case .shipping: break
        }
        if let front = inFlight.first, let answer = answers.removeValue(forKey: front.batchNo) {
            return take(answer, for: front)
        }
        guard let tip = sent else { return .loadCursor }
        if inFlight.count < window, !drained { return .read(after: tip.seq) }
        guard inFlight.isEmpty else { return .awaitAnswer }
        if progressed {
            progressed = false
            drained = false
            return .read(after: tip.seq)
        }
        phase = .lingering
        return .linger(linger)
    }

    private mutating func take(_ answer: Answer, for front: InFlight) -> Action {
        switch answer {
        case .applied(let seq, let hash):
            if seq == front.lastSeq, hash == front.headHash { return accept(seq: seq, hash: hash) }
            // A duplicate's answer names the peer's head, which may lie elsewhere: accepted only
            // if this region's chain holds that hash at that seq.
            phase = .verifying(seq: seq, hash: hash)
            return .verify(seq: seq, hash: hash)
        case .gap(let expected):
            guard let expected, expected >= 1 else { return fail("unusable answer from peer: 409 gap without a usable expected_seq", label: "bad_answer") }
            phase = .rewinding(expectedSeq: expected)
            return .findRewindTarget(seq: expected - 1)
        case .refused(let status, let reason, let detail):
            return fail("peer answered \(status): \(detail)", label: reason)
        case .unreachable(let why):
            return fail(why, label: "unreachable")
        case .unusable(let why):
            return fail("unusable answer from peer: \(why)", label: "bad_answer")
        }
    }

    /// The front batch is acknowledged up to (seq, hash): the cursor moves (never backwards).
    private mutating func accept(seq: Int64, hash: [UInt8]) -> Action {
        let front = inFlight.removeFirst()
        var cursor = acked ?? Cursor(seq: 0, hash: LedgerEntry.genesisPrevHash, batchNo: 0)
        if seq >= cursor.seq {
            cursor.seq = seq
            cursor.hash = hash
        }
        cursor.batchNo = front.batchNo
        acked = cursor
        // The peer already holds more than was cut (a cursor older than the peer's copy): skip ahead.
        if inFlight.isEmpty, let tip = sent, cursor.seq > tip.seq { sent = cursor }
        backoff = initialBackoff
        progressed = true
        return .persist(cursor, records: front.count)
    }

    private mutating func fail(_ reason: String, label: String?) -> Action {
        abandonInFlight()
        acked = nil
        sent = nil
        phase = .backingOff
        // Full jitter over the upper half: peers that failed together do not retry together.
        let ceiling = max(1, backoff.milliseconds)
        let delay = Duration.milliseconds(Int64.random(in: ceiling / 2...ceiling, using: &random))
        backoff = min(backoff * 2, maxBackoff)
        return .backOff(delay, reason: reason, label: label)
    }

    private mutating func abandonInFlight() {
        generation += 1
        inFlight = []
        answers = [:]
        drained = false
        progressed = false
    }
}
