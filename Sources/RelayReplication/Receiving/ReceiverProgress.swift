import RelayCore
import Synchronization

/// When each origin's batches last moved its replica forward, and the last refusal since: what
/// `/health` and `/metrics` report for the receiving side.
final class ReceiverProgress: Sendable {
    /// One origin, as seen by this receiver.
    struct Origin: Sendable, Equatable {
        /// When a batch last advanced the replica (nil: not since this process started).
        var lastAdvance: Timestamp?
        /// When a batch was last accepted (applied or already held).
        var lastAccepted: Timestamp?
        /// The last refusal after the last acceptance, and when.
        var refusal: (at: Timestamp, reason: String)?
        var headSeq: Int64 = 0

        static func == (a: Origin, b: Origin) -> Bool {
            a.lastAdvance == b.lastAdvance && a.lastAccepted == b.lastAccepted && a.headSeq == b.headSeq
                && a.refusal?.at == b.refusal?.at && a.refusal?.reason == b.refusal?.reason
        }
    }

    let clock: RelayClock
    /// When this receiver started (ages of origins never heard from count from here).
    let started: Timestamp
    private let origins = Mutex<[String: Origin]>([:])

    init(clock: RelayClock) {
        self.clock = clock
        self.started = clock.now()
    }

    func applied(_ origin: String, headSeq: Int64, duplicate: Bool) {
        let now = clock.now()
        origins.withLock { o in
            var entry = o[origin] ?? Origin()
            if !duplicate || headSeq > entry.headSeq { entry.lastAdvance = now }
            entry.lastAccepted = now
            entry.headSeq = max(entry.headSeq, headSeq)
            entry.refusal = nil
            o[origin] = entry
        }
    }

    func refused(_ origin: String, reason: String) {
        let now = clock.now()
        origins.withLock { o in
            var entry = o[origin] ?? Origin()
            entry.refusal = (now, reason)
            o[origin] = entry
        }
    }

    /// Every origin heard from.
    var snapshot: [String: Origin] { origins.withLock { $0 } }
}
