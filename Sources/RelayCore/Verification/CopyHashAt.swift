/// One `hash_at` answer of a copy (`GET /v1/copies/{origin}/hash?seq=N`): the hash it holds at
/// `seq`, and how many of seqs 1…`seq` it holds (so a missing range below is seen in one look-up).
public struct CopyHashAt: Sendable, Equatable {
    /// The seq asked for.
    public var seq: Int64
    /// The stored hash at `seq`; nil when the copy holds no entry `seq`.
    public var hash: [UInt8]?
    /// Entries held with seq ≤ `seq`.
    public var heldThrough: Int64

    /// Creates an answer.
    public init(seq: Int64, hash: [UInt8]?, heldThrough: Int64) {
        self.seq = seq
        self.hash = hash
        self.heldThrough = heldThrough
    }

    /// True when the copy holds every entry 1…`seq`.
    public var complete: Bool { hash != nil && heldThrough == seq }

    /// The wire form.
    public var json: JSONValue {
        ["seq": .number(Double(seq)), "hash": hash.map { .string(Hex.encode($0)) } ?? .null, "held_through": .number(Double(heldThrough))]
    }

    /// Reads the wire form; nil when it is not one.
    public init?(json: JSONValue) {
        guard let seq = json["seq"]?.numberValue, let held = json["held_through"]?.numberValue else { return nil }
        var hash: [UInt8]?
        if let text = json["hash"]?.stringValue {
            guard let bytes = Hex.decode(text), bytes.count == 32 else { return nil }
            hash = bytes
        }
        self.init(seq: Int64(seq), hash: hash, heldThrough: Int64(held))
    }
}
