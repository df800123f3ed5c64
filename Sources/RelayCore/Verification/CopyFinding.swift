/// One inconsistency of a copy of an origin's chain, found by `relay-dr verify`.
public struct CopyFinding: Sendable, Equatable {
    /// Why the copy is inconsistent.
    public enum Reason: String, Sendable, Equatable, CaseIterable {
        /// The copy holds a different hash than the reference at `seq` (and the same at seq − 1):
        /// a rewritten entry, or a different history from `seq` on.
        case hashDiffers = "hash_differs"
        /// Entries from `seq` on are missing below the copy's head (a range was removed).
        case missingRange = "missing_range"
        /// The copy ends before the head its holder recorded: the tail from `seq` was removed.
        case truncated
        /// The stored chain does not recompute from genesis at `seq` (`--full`).
        case chainBroken = "chain_broken"
        /// A domain row differs from, lacks, or has no ledger body (`--full`).
        case rowDiffers = "row_differs"
        /// A stored batch header's signature does not verify with the origin's keys (`--full`).
        case badSignature = "bad_signature"
        /// The origin signed a head its current chain does not contain (`--full`): proof of a
        /// rewritten history, signed by the origin itself.
        case equivocation
        /// The holder could not be asked.
        case unreachable
    }

    /// The first seq concerned (nil when none applies).
    public var seq: Int64?
    public var reason: Reason
    /// What was seen, precisely enough to check it by hand (hashes, the other copy, the header).
    public var evidence: String

    /// Creates a finding.
    public init(seq: Int64?, reason: Reason, evidence: String) {
        self.seq = seq
        self.reason = reason
        self.evidence = evidence
    }

    /// The finding at the first bad seq of a binary search: what the copy and the reference
    /// answered there. `referenceHolder` names the copy compared with.
    public static func firstBad(
        _ seq: Int64, copy: CopyHashAt, reference: CopyHashAt?, referenceHolder: String?, copyHead: Int64
    ) -> CopyFinding {
        guard let hash = copy.hash, copy.complete else {
            return CopyFinding(
                seq: seq, reason: .missingRange,
                evidence: "seq \(seq) is missing: the copy holds \(copy.heldThrough) of seqs 1…\(seq), and entries up to seq \(copyHead)")
        }
        let other = reference?.hash.map(Hex.encode) ?? "none"
        return CopyFinding(
            seq: seq, reason: .hashDiffers,
            evidence: "hash at seq \(seq) is \(Hex.encode(hash)), \(referenceHolder ?? "the reference") holds \(other)"
                + (seq > 1 ? "; seq \(seq - 1) agrees" : ""))
    }

    /// Reads the wire form; nil when it is not one.
    public init?(json: JSONValue) {
        guard let reason = json["reason"]?.stringValue.flatMap(Reason.init(rawValue:)), let evidence = json["evidence"]?.stringValue else {
            return nil
        }
        self.init(seq: json["seq"]?.numberValue.map { Int64($0) }, reason: reason, evidence: evidence)
    }

    /// The wire form.
    public var json: JSONValue {
        ["seq": seq.map { .number(Double($0)) } ?? .null, "reason": .string(reason.rawValue), "evidence": .string(evidence)]
    }
}
