/// How batches are cut and retried (docs/replication.md).
public struct ShipperOptions: Sendable {
    /// Records per batch at most.
    public var maxRecords = 1000
    /// Body bytes per batch at most (a single larger record still goes alone).
    public var maxBytes = 4 << 20
    /// Pause when nothing new was chained: records wait at most about this long (low-load lag).
    public var linger: Duration = .milliseconds(50)
    /// Batches sent before the first is answered (pipelining): with one, a round trip caps throughput
    /// at `maxRecords` per round trip; the receiver waits briefly for a batch's predecessor.
    public var window = 4
    /// First retry delay after a failure; doubles up to `maxBackoff`, with jitter.
    public var initialBackoff: Duration = .milliseconds(100)
    /// Kept short so a peer that comes back is caught up within seconds.
    public var maxBackoff: Duration = .seconds(5)
    /// Per-request timeout.
    public var requestTimeout: Duration = .seconds(10)

    /// The defaults.
    public init() {}
}
