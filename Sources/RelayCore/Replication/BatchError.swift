/// Why a receiver refused a batch; each maps to one HTTP status and a `reason` label.
public enum BatchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not JSON, wrong shape, or records that do not match the header / do not chain.
    case malformed(String)
    /// The body exceeds the receiver's limit.
    case tooLarge(limit: Int)
    /// The origin is not a known peer region (or is the receiver itself).
    case unknownOrigin(String)
    /// The key is not a ledger key of the origin valid at the header's time.
    case unknownKey(String)
    /// The signature does not verify.
    case badSignature
    /// The origin is quarantined on this receiver after a divergence.
    case quarantined(origin: String)
    /// The batch's epoch is older than the one this receiver knows.
    case staleEpoch(batch: Int64, known: Int64)
    /// The batch starts beyond the replica head: send from `expectedSeq`.
    case gap(expectedSeq: Int64)
    /// A different hash at an already held seq: the origin's history forked.
    case divergence(seq: Int64, detail: String)

    /// HTTP status of the answer.
    public var status: Int {
        switch self {
        case .malformed: 400
        case .tooLarge: 413
        case .unknownOrigin, .unknownKey, .badSignature: 403
        case .quarantined: 423
        case .staleEpoch, .gap, .divergence: 409
        }
    }

    /// Short label for metrics and the `error` member of the answer.
    public var reason: String {
        switch self {
        case .malformed: "malformed"
        case .tooLarge: "too_large"
        case .unknownOrigin: "unknown_origin"
        case .unknownKey: "unknown_key"
        case .badSignature: "bad_signature"
        case .quarantined: "quarantined"
        case .staleEpoch: "stale_epoch"
        case .gap: "gap"
        case .divergence: "divergence"
        }
    }

    public var description: String {
        switch self {
        case .malformed(let why): "malformed batch: \(why)"
        case .tooLarge(let limit): "batch larger than \(limit) bytes"
        case .unknownOrigin(let o): "unknown origin region '\(o)'"
        case .unknownKey(let why): "unknown key: \(why)"
        case .badSignature: "the batch signature does not verify"
        case .quarantined(let o): "origin \(o) is quarantined on this region after a divergence; see runbooks/chain-divergence.md"
        case .staleEpoch(let b, let k): "stale epoch \(b): this region knows epoch \(k)"
        case .gap(let e): "gap: expected seq \(e)"
        case .divergence(let seq, let detail): "divergence at seq \(seq): \(detail)"
        }
    }
}
