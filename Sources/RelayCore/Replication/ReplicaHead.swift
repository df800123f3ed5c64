/// What a receiver holds of one origin's chain.
public struct ReplicaHead: Sendable, Equatable {
    public var origin: String
    /// Last applied seq (0 = nothing yet) and its hash.
    public var seq: Int64
    public var hash: [UInt8]
    /// Highest epoch seen from the origin.
    public var epoch: Int64
    /// Set after a divergence: nothing more is applied from this origin until an operator acts.
    public var quarantined: Bool

    /// Creates a head.
    public init(origin: String, seq: Int64, hash: [UInt8], epoch: Int64, quarantined: Bool) {
        self.origin = origin
        self.seq = seq
        self.hash = hash
        self.epoch = epoch
        self.quarantined = quarantined
    }

    /// Where an origin taken over in a forced failover stops being accepted: its successor held
    /// its ledger up to `seq` at the takeover (epoch `epoch`). Its records beyond that are
    /// stranded; they are refused as stale until the origin fails back at a newer epoch.
    public struct Cutoff: Sendable, Equatable {
        public var seq: Int64
        public var epoch: Int64
        public init(seq: Int64, epoch: Int64) {
            self.seq = seq
            self.epoch = epoch
        }
    }

    /// What to do with a batch whose records already passed `checkRecords`.
    public enum Decision: Sendable, Equatable {
        /// Apply `batch.records[fromIndex...]` (the ones beyond the head).
        case apply(fromIndex: Int)
        /// Everything is already held, with the same hashes: acknowledge, change nothing.
        case duplicate
    }

    /// Decides how `batch` relates to this head. `held` maps each seq of the batch that is at or
    /// below the head to the hash held for it. Pure: quarantine, stale epoch, gap and divergence
    /// are refused; overlaps with identical hashes are fine (re-delivery after a lost answer).
    /// A batch reaching past `cutoff` at an older epoch is refused whole.
    public func decide(_ batch: Batch, held: [Int64: [UInt8]], cutoff: Cutoff? = nil) throws(BatchError) -> Decision {
        let h = batch.header
        if quarantined { throw .quarantined(origin: origin) }
        if h.epoch < epoch { throw .staleEpoch(batch: h.epoch, known: epoch) }
        if let cutoff, h.lastSeq > cutoff.seq, h.epoch < cutoff.epoch { throw .staleEpoch(batch: h.epoch, known: cutoff.epoch) }
        if h.firstSeq > seq + 1 { throw .gap(expectedSeq: seq + 1) }
        if h.firstSeq == seq + 1 {
            guard h.prevHash == hash else {
                throw .divergence(seq: seq, detail: "the batch follows hash \(Hex.encode(h.prevHash)) at seq \(seq), this region holds \(Hex.encode(hash))")
            }
            return .apply(fromIndex: 0)
        }
        for r in batch.records where r.entry.seq <= seq {
            guard let mine = held[r.entry.seq] else {
                throw .divergence(seq: r.entry.seq, detail: "seq \(r.entry.seq) is missing from this region's replica")
            }
            guard mine == r.entry.hash else {
                throw .divergence(seq: r.entry.seq, detail: "hash \(Hex.encode(r.entry.hash)), this region holds \(Hex.encode(mine))")
            }
        }
        if h.lastSeq <= seq { return .duplicate }
        return .apply(fromIndex: Int(seq + 1 - h.firstSeq))
    }
}
