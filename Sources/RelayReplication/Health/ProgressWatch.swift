import RelayCore

/// Whether shipping to one peer is moving, from the lag samples, without I/O: records are waiting
/// and the acknowledged cursor has not moved for `stallAfter` → stalled; it moves again, or
/// nothing waits any more → recovered. Each change is reported once (a log line, a gauge).
public struct ProgressWatch: Sendable {
    /// A change worth reporting.
    public enum Change: Sendable, Equatable {
        /// No acknowledgement for `since`, with `waiting` records unacknowledged.
        case stalled(waiting: Int64, since: Timestamp)
        /// Moving again after a stall that began at `since`.
        case recovered(since: Timestamp)
    }

    /// How long records may wait with no acknowledgement before it is a stall.
    public let stallAfter: Duration
    /// The acknowledged seq at the last sample.
    public private(set) var ackedSeq: Int64?
    /// Since when records have been waiting with the cursor standing still (nil: moving or caught up).
    public private(set) var standingSince: Timestamp?
    /// Whether a stall has been reported and not yet recovered from.
    public private(set) var stalled = false

    /// A watch with this threshold.
    public init(stallAfter: Duration) {
        self.stallAfter = stallAfter
    }

    /// A lag sample at `now`: the peer acknowledged `ackedSeq`, `waiting` records are not acknowledged.
    public mutating func observe(ackedSeq acked: Int64, waiting: Int64, at now: Timestamp) -> Change? {
        let moved = ackedSeq.map { acked != $0 } ?? true
        ackedSeq = acked
        if waiting <= 0 || moved {
            let since = standingSince
            standingSince = waiting > 0 ? now : nil
            guard stalled else { return nil }
            stalled = false
            return .recovered(since: since ?? now)
        }
        let since = standingSince ?? now
        standingSince = since
        guard !stalled, now.microseconds - since.microseconds >= stallAfter.microseconds else { return nil }
        stalled = true
        return .stalled(waiting: waiting, since: since)
    }
}
