/// A batch header an origin signed, as a peer keeps it: applied (`replica_batches`) or refused
/// as divergent (`divergent_batches`). Each says "my chain's hash at seq s is h" for
/// `first_seq − 1` (its `prev_hash`) and `last_seq` (its `head_hash`), under the origin's key.
public struct SignedStatement: Sendable, Equatable {
    /// Where the statement was kept.
    public enum Held: String, Sendable, Equatable {
        /// The header of a batch the peer applied.
        case applied
        /// The header of a batch the peer refused as divergent.
        case refused
    }

    /// The region keeping it.
    public var heldBy: String
    public var held: Held
    public var header: BatchHeader
    /// The signed header bytes (RFC 8785 JSON; the signature covers `BatchHeader.domainTag` ‖ these).
    public var headerBytes: [UInt8]
    public var signature: [UInt8]

    /// Reads a stored header (JSON bytes) and its signature; nil when the bytes are not a header.
    public init?(heldBy: String, held: Held, headerBytes: [UInt8], signature: [UInt8]) {
        guard let json = try? JSONParser.parse(headerBytes),
            let batch = try? Batch.parse(CanonicalJSON.bytes(["header": json, "signature": .string(Base64.encode(signature)), "records": .array([])]))
        else { return nil }
        self.heldBy = heldBy
        self.held = held
        self.header = batch.header
        self.headerBytes = headerBytes
        self.signature = signature
    }

    /// The claims it makes: (seq, hash) for `first_seq − 1` (when above 0) and `last_seq`.
    public var claims: [(seq: Int64, hash: [UInt8])] {
        var out: [(Int64, [UInt8])] = []
        if header.firstSeq > 1 { out.append((header.firstSeq - 1, header.prevHash)) }
        out.append((header.lastSeq, header.headHash))
        return out
    }

    /// The hash it claims at `seq`, if it claims one.
    public func claim(at seq: Int64) -> [UInt8]? {
        claims.first { $0.seq == seq }?.hash
    }

    /// True when the signature verifies with one of `trusted` (the origin's ledger keys valid at
    /// the header's `created_at`, by key id), the bytes are the header's canonical form and it
    /// names `origin`.
    public func verifies(origin: String, trusted: [String: [UInt8]]) -> Bool {
        guard header.origin == origin, CanonicalJSON.bytes(header.json) == headerBytes, let key = trusted[header.keyID] else { return false }
        return Ed25519.verify(signature: signature, message: BatchHeader.domainTag + headerBytes, publicKey: key)
    }

    /// A one-line description: who holds it, which batch, what it claims.
    public var summary: String {
        "batch \(header.batchNo) (seqs \(header.firstSeq)…\(header.lastSeq), key \(header.keyID), created \(header.createdAt.iso8601)) "
            + "\(held == .applied ? "applied" : "refused as divergent") by \(heldBy)"
    }

    /// The statement in the evidence format (docs/verification.md): the exact signed bytes.
    public var json: JSONValue {
        [
            "held_by": .string(heldBy), "held": .string(held.rawValue),
            "header": .string(String(decoding: headerBytes, as: UTF8.self)), "signature": .string(Base64.encode(signature)),
        ]
    }

    /// Reads the evidence format; nil when it is not a statement.
    public init?(json: JSONValue) {
        guard let heldBy = json["held_by"]?.stringValue, let held = json["held"]?.stringValue.flatMap(Held.init(rawValue:)),
            let header = json["header"]?.stringValue, let signature = json["signature"]?.stringValue.flatMap(Base64.decode)
        else { return nil }
        self.init(heldBy: heldBy, held: held, headerBytes: Array(header.utf8), signature: signature)
    }
}
