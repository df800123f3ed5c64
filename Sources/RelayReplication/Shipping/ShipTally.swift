import RelayStore
import Synchronization

/// What the shippers did since the last lag sample, per peer: acknowledged batches and records,
/// and failed attempts by reason (the labels of `relay_dr_ship_failures_total`). The lag sampler
/// drains it into each sample row, so compliance reports can sum shipping per period. Kept in
/// memory only: a crash loses at most one sample interval's counts (the Prometheus counters are
/// reset by a restart just the same).
final class ShipTally: Sendable {
    private let counts = Mutex<[String: LagSampleRow.Shipping]>([:])

    /// Creates an empty tally.
    init() {}

    /// `peer` acknowledged a batch of `records` records.
    func shipped(peer: String, records: Int) {
        counts.withLock { c in
            c[peer, default: .init()].batches += 1
            c[peer, default: .init()].records += Int64(records)
        }
    }

    /// An attempt to ship to `peer` failed for `reason`.
    func refused(peer: String, reason: String) {
        counts.withLock { c in c[peer, default: .init()].refused[reason, default: 0] += 1 }
    }

    /// Everything counted since the last drain, and zero from now on.
    func drain() -> [String: LagSampleRow.Shipping] {
        counts.withLock { c in
            defer { c = [:] }
            return c
        }
    }

    /// Puts back counts that could not be stored (the sample failed), so they go into the next one.
    func restore(_ drained: [String: LagSampleRow.Shipping]) {
        counts.withLock { c in
            for (peer, s) in drained {
                c[peer, default: .init()].batches += s.batches
                c[peer, default: .init()].records += s.records
                for (reason, n) in s.refused { c[peer, default: .init()].refused[reason, default: 0] += n }
            }
        }
    }
}
