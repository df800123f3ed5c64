/// One inconsistency found by ledger verification, naming the exact place.
public struct LedgerFinding: Sendable, Equatable, Codable {
    /// What kind of inconsistency.
    public enum Problem: String, Sendable, Codable {
        /// The stored hash is not SHA-256 of the entry (the entry was edited).
        case hashMismatch = "hash_mismatch"
        /// `prev_hash` is not the previous entry's hash (an entry was rewritten with a fresh hash).
        case brokenLink = "broken_link"
        /// One or more seqs are missing (entries deleted).
        case gap
        /// The chain ends before the head the chainer recorded (tail truncated).
        case truncated
        /// The body is not canonical JSON, or its subject/region does not match the row.
        case malformedEntry = "malformed_entry"
        /// A domain row differs from the ledger body that recorded it (edited behind the triggers).
        case rowDiffers = "row_differs"
        /// A ledger entry whose domain row is gone.
        case rowMissing = "row_missing"
        /// A domain row that no ledger entry records.
        case entryMissing = "entry_missing"
        /// A seal's execution state disagrees with the `seal_executed` entries.
        case executionMismatch = "execution_mismatch"
    }

    /// The seq of the entry concerned (nil for a domain row no entry records).
    public var seq: Int64?
    /// The entry (or row) kind.
    public var kind: String?
    /// The id of the domain row.
    public var subject: String?
    public var problem: Problem
    /// What differs, in one line.
    public var detail: String

    /// Creates a finding.
    public init(seq: Int64?, kind: String?, subject: String?, problem: Problem, detail: String) {
        self.seq = seq
        self.kind = kind
        self.subject = subject
        self.problem = problem
        self.detail = detail
    }
}
