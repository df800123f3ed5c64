/// A record written by the gateway and not yet chained (after the chain cursor in `ledger_records`).
public struct PendingRecord: Sendable, Equatable {
    /// `ledger_records` id.
    public var id: Int64
    public var kind: LedgerKind
    public var body: [UInt8]
    public var committedAt: Timestamp

    /// Creates a pending record.
    public init(id: Int64, kind: LedgerKind, body: [UInt8], committedAt: Timestamp) {
        self.id = id
        self.kind = kind
        self.body = body
        self.committedAt = committedAt
    }
}

extension LedgerHead {
    /// Chains `pending` (already in commit order) after this head: seqs head+1, head+2, … each
    /// entry's `prev_hash` the previous entry's hash. Pure; the chainer stores the result.
    public func link(_ pending: [PendingRecord], region: String) -> [LedgerEntry] {
        var head = self
        var out: [LedgerEntry] = []
        out.reserveCapacity(pending.count)
        for record in pending {
            let entry = LedgerEntry(
                region: region, seq: head.seq + 1, kind: record.kind, body: record.body,
                committedAt: record.committedAt, epoch: head.epoch, prevHash: head.hash)
            out.append(entry)
            head = LedgerHead(after: entry)
        }
        return out
    }
}
