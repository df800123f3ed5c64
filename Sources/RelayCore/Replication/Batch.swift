/// A replication batch: a signed header and the origin's ledger entries it covers.
public struct Batch: Sendable, Equatable {
    /// One record: a ledger entry of the origin and its subject.
    public struct Record: Sendable, Equatable {
        public var entry: LedgerEntry
        public var subject: String

        /// Creates a record.
        public init(entry: LedgerEntry, subject: String) {
            self.entry = entry
            self.subject = subject
        }

        /// The record's wire form (an element of a batch's `records`).
        public var json: JSONValue {
            .object([
                "seq": .number(Double(entry.seq)), "kind": .string(entry.kind.rawValue),
                "subject": .string(subject), "body": .string(Base64.encode(entry.body)),
                "committed_at": .string(entry.committedAt.iso8601), "epoch": .number(Double(entry.epoch)),
                "prev_hash": .string(Hex.encode(entry.prevHash)), "hash": .string(Hex.encode(entry.hash)),
            ])
        }
    }

    public var header: BatchHeader
    public var signature: [UInt8]
    public var records: [Record]

    /// Creates a batch.
    public init(header: BatchHeader, signature: [UInt8], records: [Record]) {
        self.header = header
        self.signature = signature
        self.records = records
    }

    /// Cuts and signs a batch of `records` (consecutive entries of `key`'s region, non-empty)
    /// that follows `prevHash`.
    public static func make(
        records: [Record], prevHash: [UInt8], batchNo: Int64, key: SigningKey, now: Timestamp
    ) -> Batch {
        let first = records[0].entry
        let last = records[records.count - 1].entry
        let header = BatchHeader(
            origin: first.region, epoch: last.epoch, batchNo: batchNo, firstSeq: first.seq, lastSeq: last.seq,
            prevHash: prevHash, headHash: last.hash, count: Int64(records.count), createdAt: now, keyID: key.keyID)
        return Batch(header: header, signature: key.sign(header.signingBytes), records: records)
    }

    /// The wire form (docs/replication.md).
    public var json: JSONValue {
        .object([
            "header": header.json, "signature": .string(Base64.encode(signature)),
            "records": .array(records.map(\.json)),
        ])
    }
}
