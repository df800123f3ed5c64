/// The signed header of a replication batch (docs/replication.md): it binds the records through
/// the hash chain (`prev_hash` … `head_hash`), so the records need no signature of their own.
public struct BatchHeader: Sendable, Equatable {
    public var origin: String
    public var epoch: Int64
    /// Batches this shipper sent to this peer, counting from 1 (evidence trail).
    public var batchNo: Int64
    public var firstSeq: Int64
    public var lastSeq: Int64
    /// Hash of entry `firstSeq − 1` (32 zero bytes when `firstSeq` is 1).
    public var prevHash: [UInt8]
    /// Hash of entry `lastSeq`.
    public var headHash: [UInt8]
    public var count: Int64
    public var createdAt: Timestamp
    /// The origin's ledger key that signed it.
    public var keyID: String

    /// Creates a header.
    public init(
        origin: String, epoch: Int64, batchNo: Int64, firstSeq: Int64, lastSeq: Int64, prevHash: [UInt8],
        headHash: [UInt8], count: Int64, createdAt: Timestamp, keyID: String
    ) {
        self.origin = origin
        self.epoch = epoch
        self.batchNo = batchNo
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
        self.prevHash = prevHash
        self.headHash = headHash
        self.count = count
        self.createdAt = createdAt
        self.keyID = keyID
    }

    /// Domain separation for batch signatures.
    public static let domainTag: [UInt8] = Array("relay-batch-v1".utf8) + [0]

    /// The header as JSON (the wire form).
    public var json: JSONValue {
        .object([
            "origin": .string(origin), "epoch": .number(Double(epoch)), "batch_no": .number(Double(batchNo)),
            "first_seq": .number(Double(firstSeq)), "last_seq": .number(Double(lastSeq)),
            "prev_hash": .string(Hex.encode(prevHash)), "head_hash": .string(Hex.encode(headHash)),
            "count": .number(Double(count)), "created_at": .string(createdAt.iso8601), "key_id": .string(keyID),
        ])
    }

    /// The exact bytes signed: domain tag ‖ RFC 8785 canonical JSON of the header.
    public var signingBytes: [UInt8] { Self.domainTag + CanonicalJSON.bytes(json) }
}
