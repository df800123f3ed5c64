import RelayCore

/// relay-dr's `/health`, assembled from what the daemon knows, without I/O: `unhealthy` (503)
/// when its database does not answer; `degraded` (200, the daemon itself works) when replication
/// is not moving (shipping to a peer stalled, a peer's batches refused for longer than the stall
/// threshold, the chainer failing); else `healthy`. Each problem is one sentence an operator can act on.
public struct DRHealth: Sendable, Equatable {
    /// Shipping to one peer.
    public struct Peer: Sendable, Equatable {
        public var peer: String
        /// Records not yet acknowledged.
        public var waiting: Int64
        /// When the stall began, if shipping is stalled.
        public var stalledSince: Timestamp?
        public var lastError: String?

        /// Creates a peer's entry.
        public init(peer: String, waiting: Int64, stalledSince: Timestamp?, lastError: String?) {
            self.peer = peer
            self.waiting = waiting
            self.stalledSince = stalledSince
            self.lastError = lastError
        }
    }

    /// Receiving from one origin.
    public struct Origin: Sendable, Equatable {
        public var origin: String
        /// When a batch of it was last accepted (nil: not since this daemon started).
        public var lastAccepted: Timestamp?
        /// The last refusal since then.
        public var refusedAt: Timestamp?
        public var refusal: String?

        /// Creates an origin's entry.
        public init(origin: String, lastAccepted: Timestamp?, refusedAt: Timestamp?, refusal: String?) {
            self.origin = origin
            self.lastAccepted = lastAccepted
            self.refusedAt = refusedAt
            self.refusal = refusal
        }
    }

    public var status: String
    public var httpStatus: Int
    public var problems: [String]

    /// The health of a daemon whose database answered (`databaseOK`) at `now`; receiving is a
    /// problem once an origin's batches have been refused with nothing accepted for `stallAfter`
    /// (counted from `started` when nothing was accepted since).
    public init(
        databaseOK: Bool, chainerError: String?, peers: [Peer], origins: [Origin], started: Timestamp, now: Timestamp,
        stallAfter: Duration
    ) {
        var problems: [String] = []
        if !databaseOK { problems.append("database: no answer within 2 s") }
        if let chainerError { problems.append("chaining: \(chainerError)") }
        for p in peers.sorted(by: { $0.peer < $1.peer }) {
            guard let since = p.stalledSince else { continue }
            problems.append(
                "shipping to \(p.peer): no acknowledgement for \(Self.seconds(now, since)) s with \(p.waiting) records waiting"
                    + (p.lastError.map { "; last error: \($0)" } ?? "") + " (runbooks/replication-lag.md)")
        }
        for o in origins.sorted(by: { $0.origin < $1.origin }) {
            guard let refusedAt = o.refusedAt, refusedAt >= (o.lastAccepted ?? started) else { continue }
            let quiet = o.lastAccepted ?? started
            guard now.microseconds - quiet.microseconds >= stallAfter.microseconds else { continue }
            problems.append(
                "receiving from \(o.origin): nothing accepted for \(Self.seconds(now, quiet)) s; last refusal: \(o.refusal ?? "?") (runbooks/replication-lag.md)")
        }
        self.problems = problems
        status = !databaseOK ? "unhealthy" : problems.isEmpty ? "healthy" : "degraded"
        httpStatus = databaseOK ? 200 : 503
    }

    private static func seconds(_ now: Timestamp, _ since: Timestamp) -> Int64 {
        max(0, (now.microseconds - since.microseconds) / 1_000_000)
    }
}
