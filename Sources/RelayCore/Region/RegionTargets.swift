/// A region's recovery objectives (`targets:` in a region file).
public struct RegionTargets: Sendable, Hashable {
    /// Recovery point objective: replication lag allowed, in seconds.
    public var rpoSeconds: Int
    /// Recovery time objective: time allowed to serve again after losing the region, in seconds.
    public var rtoSeconds: Int
    /// Largest lag, in ledger records, at which a switchover may still start.
    public var maxLagOnFailover: Int

    /// Creates targets.
    public init(rpoSeconds: Int = 5, rtoSeconds: Int = 300, maxLagOnFailover: Int = 1000) {
        self.rpoSeconds = rpoSeconds
        self.rtoSeconds = rtoSeconds
        self.maxLagOnFailover = maxLagOnFailover
    }
}
