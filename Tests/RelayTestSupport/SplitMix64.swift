import RelayCore

/// What randomized tests draw from RelayCore's `SplitMix64` (the generator the shipper's jitter
/// uses), so a failing case replays from its seed (differential, canonical-JSON, offline-audit tests).
extension SplitMix64 {
    /// A random element of a non-empty array.
    public mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

    /// A random Int in `0..<bound`.
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
}
