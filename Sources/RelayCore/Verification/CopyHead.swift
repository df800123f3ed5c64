/// What one region holds of one origin's chain (`GET /v1/copies`): the origin's own ledger when
/// the holder is the origin, else the holder's replica of it.
public struct CopyHead: Sendable, Equatable {
    /// The region whose chain this is a copy of.
    public var origin: String
    /// The region holding the copy.
    public var holder: String
    /// Highest seq stored (0 when nothing is).
    public var seq: Int64
    /// Hash of entry `seq` (32 zero bytes when nothing is stored).
    public var hash: [UInt8]
    /// Entries stored: equal to `seq` exactly when no seq below the head is missing.
    public var count: Int64
    /// The head the holder recorded (`ledger_heads` for its own ledger, `replica_heads` for a
    /// replica): above `seq` when the tail was removed behind the triggers.
    public var recordedSeq: Int64
    /// True when the holder refuses the origin's batches after a divergence.
    public var quarantined: Bool

    /// Creates a copy head.
    public init(origin: String, holder: String, seq: Int64, hash: [UInt8], count: Int64, recordedSeq: Int64, quarantined: Bool = false) {
        self.origin = origin
        self.holder = holder
        self.seq = seq
        self.hash = hash
        self.count = count
        self.recordedSeq = recordedSeq
        self.quarantined = quarantined
    }

    /// True for the origin's own ledger.
    public var isOrigin: Bool { origin == holder }

    /// The wire form (one element of `GET /v1/copies`'s `copies`).
    public var json: JSONValue {
        [
            "origin": .string(origin), "holder": .string(holder), "seq": .number(Double(seq)), "hash": .string(Hex.encode(hash)),
            "count": .number(Double(count)), "recorded_seq": .number(Double(recordedSeq)), "quarantined": .bool(quarantined),
        ]
    }

    /// Reads the wire form; nil when a member is missing or of the wrong type.
    public init?(json: JSONValue) {
        guard let origin = json["origin"]?.stringValue, let holder = json["holder"]?.stringValue,
            let seq = json["seq"]?.numberValue, let hashText = json["hash"]?.stringValue, let hash = Hex.decode(hashText),
            hash.count == 32, let count = json["count"]?.numberValue, let recorded = json["recorded_seq"]?.numberValue
        else { return nil }
        self.init(
            origin: origin, holder: holder, seq: Int64(seq), hash: hash, count: Int64(count), recordedSeq: Int64(recorded),
            quarantined: json["quarantined"]?.boolValue ?? false)
    }
}
