/// One problem found in an offline audit file, naming the seq it concerns and why.
public struct AuditFinding: Sendable, Equatable, Codable {
    /// Why the file is not consistent (the `reason` of the table and of `--json`).
    public enum Reason: String, Sendable, Codable, CaseIterable {
        /// A record's stored hash is not the hash of the record: the record was edited.
        case hashMismatch = "hash_mismatch"
        /// A record's `prev_hash` is not the previous record's hash.
        case brokenLink = "broken_link"
        /// Seqs are missing inside the file: records were removed.
        case gap
        /// The file ends before the seq its preamble declares or a signed header vouches for.
        case truncated
        /// A record that is not a well-formed ledger entry (body not canonical, subject, region, epoch).
        case malformedEntry = "malformed_entry"
        /// A line that is not JSON or not of the format (docs/offline-audit.md).
        case malformedLine = "malformed_line"
        /// A batch header whose Ed25519 signature does not verify.
        case badSignature = "bad_signature"
        /// A batch header signed by a key that is not the origin's ledger key valid at the header's time.
        case unknownKey = "unknown_key"
        /// A signed header that disagrees with the records (`prev_hash`, `head_hash`, seqs, count).
        case headerMismatch = "header_mismatch"
        /// Records after the last signed head the file proves: nothing the origin signed vouches for them.
        case uncovered
        /// The file's key list disagrees with the trusted region files.
        case keyMismatch = "key_mismatch"

        init(_ problem: LedgerFinding.Problem) {
            switch problem {
            case .hashMismatch: self = .hashMismatch
            case .brokenLink: self = .brokenLink
            case .gap: self = .gap
            case .truncated: self = .truncated
            // The rest concern domain rows, which an audit file does not hold.
            case .malformedEntry, .rowDiffers, .rowMissing, .entryMissing, .executionMismatch: self = .malformedEntry
            }
        }
    }

    /// The seq concerned (for a header: its `first_seq`); nil when the finding is about the whole file.
    public var seq: Int64?
    public var reason: Reason
    /// What differs, in one line.
    public var detail: String

    /// Creates a finding.
    public init(seq: Int64?, reason: Reason, detail: String) {
        self.seq = seq
        self.reason = reason
        self.detail = detail
    }

    /// The audit form of a chain finding.
    public init(_ finding: LedgerFinding) {
        self.init(seq: finding.seq, reason: Reason(finding.problem), detail: finding.detail)
    }
}
