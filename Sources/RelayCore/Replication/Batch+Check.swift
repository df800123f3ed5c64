extension Batch {
    /// Checks that the records are exactly what the header describes: seqs `first_seq`…`last_seq`
    /// without gaps or reordering, `count` of them, each hash recomputing, each linking to the
    /// previous (the first to the header's `prev_hash`), the last hash equal to `head_hash`,
    /// epochs not above the header's, canonical bodies naming their subject. Pure.
    public func checkRecords() throws(BatchError) {
        guard !records.isEmpty else { throw .malformed("records: empty batch") }
        guard header.firstSeq >= 1, header.lastSeq >= header.firstSeq,
            header.count == Int64(records.count), header.lastSeq - header.firstSeq + 1 == header.count
        else { throw .malformed("header: first_seq \(header.firstSeq), last_seq \(header.lastSeq) and count \(header.count) disagree with \(records.count) records") }
        if header.firstSeq == 1, header.prevHash != LedgerEntry.genesisPrevHash {
            throw .malformed("header.prev_hash: seq 1 must follow 32 zero bytes")
        }
        var prev = header.prevHash
        for (i, r) in records.enumerated() {
            let e = r.entry
            guard e.seq == header.firstSeq + Int64(i) else {
                throw .malformed("records[\(i)]: seq \(e.seq), expected \(header.firstSeq + Int64(i)) (records out of order)")
            }
            guard e.prevHash == prev else { throw .malformed("records[\(i)] (seq \(e.seq)): prev_hash does not link") }
            guard e.computedHash == e.hash else { throw .malformed("records[\(i)] (seq \(e.seq)): hash does not recompute") }
            guard e.epoch <= header.epoch else { throw .malformed("records[\(i)] (seq \(e.seq)): epoch above the header's") }
            guard Self.bodyNamesSubject(e, r.subject) else {
                throw .malformed("records[\(i)] (seq \(e.seq)): body not canonical or subject mismatch")
            }
            prev = e.hash
        }
        guard prev == header.headHash else { throw .malformed("header.head_hash is not the last record's hash") }
    }

    /// Whether `entry`'s body is a canonical JSON object naming `subject`: the one-pass check
    /// answers for almost every body without building a tree; the rest are parsed and re-serialised.
    static func bodyNamesSubject(_ entry: LedgerEntry, _ subject: String) -> Bool {
        let field = entry.kind.subjectField
        if entry.body.withUnsafeBufferPointer({ CanonicalJSONCheck.isCanonicalObject($0, member: field, is: subject) }) { return true }
        guard let body = try? JSONParser.parse(entry.body) else { return false }
        return CanonicalJSON.bytes(body) == entry.body && body[field]?.stringValue == subject
    }

    /// Checks the signature with the origin's ledger keys valid at `created_at` (`trusted`,
    /// by key id). Keys of other regions never appear in `trusted`.
    public func checkSignature(trusted: [String: [UInt8]]) throws(BatchError) {
        guard let key = trusted[header.keyID] else {
            throw .unknownKey("key_id \(header.keyID) is not a ledger key of \(header.origin) valid at \(header.createdAt.iso8601)")
        }
        guard Ed25519.verify(signature: signature, message: header.signingBytes, publicKey: key) else { throw .badSignature }
    }
}
