import RelayCore

/// What one chaining step did.
public enum ChainStepOutcome: Sendable, Equatable {
    /// Another chainer holds the region's leader lock.
    case notLeader
    /// Linked `count` records; the chain now ends at `head`.
    case chained(count: Int, head: LedgerHead)
    /// Nothing committed below the horizon was waiting.
    case idle(head: LedgerHead)
}

/// Why the chainer refused to extend a chain (it fails closed: a chain it cannot trust is not extended).
public enum ChainerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The last stored entry is not the head the chainer recorded (rows deleted or inserted behind it).
    case headMismatch(region: String, recorded: Int64, stored: Int64)
    /// A pending record of a kind this version does not know.
    case unknownKind(recordID: Int64, kind: String)

    public var description: String {
        switch self {
        case .headMismatch(let region, let recorded, let stored):
            "ledger of \(region) ends at seq \(stored) but its recorded head is seq \(recorded): refusing to chain; run `relay-dr verify --local --region \(region)`"
        case .unknownKind(let id, let kind): "ledger_records row \(id) has unknown kind '\(kind)': refusing to chain"
        }
    }
}
