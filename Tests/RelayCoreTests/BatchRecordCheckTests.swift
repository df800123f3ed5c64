import RelayCore
import Testing

/// A batch's records are checked body by body before anything is written: canonical JSON naming
/// the record's subject. Most bodies are vouched for by the one-pass check; the others go through
/// the parser, which must reach the same verdict.
struct BatchRecordCheckTests {
    static let key = try! SigningKey(seed: Array(repeating: 9, count: 32))

    /// A signed, consistent batch of auth events with these bodies and subjects.
    func batch(_ bodies: [(body: String, subject: String)]) -> Batch {
        var prev = LedgerEntry.genesisPrevHash
        let records = bodies.enumerated().map { i, r in
            let e = LedgerEntry(
                region: "r1", seq: Int64(i + 1), kind: .authEvent, body: Array(r.body.utf8),
                committedAt: Timestamp(microseconds: Int64(i + 1) * 1_000_000), epoch: 1, prevHash: prev)
            prev = e.hash
            return Batch.Record(entry: e, subject: r.subject)
        }
        return Batch.make(records: records, prevHash: LedgerEntry.genesisPrevHash, batchNo: 1, key: Self.key, now: Timestamp(microseconds: 0))
    }

    @Test func canonicalBodiesNamingTheirSubjectPassIncludingEscapedOnes() throws {
        try batch([
            (#"{"event_id":"e1","outcome":"success"}"#, "e1"),
            // An escape in the subject: the quick check does not vouch for it, the parser does.
            (#"{"event_id":"a\"b","n":1}"#, "a\"b"),
            (#"{"event_id":"é","z":[1,2,{"a":null}]}"#, "é"),
        ]).checkRecords()
    }

    @Test(arguments: [
        (#"{"outcome":"success","event_id":"e1"}"#, "e1"),  // members out of order
        (#"{"event_id": "e1"}"#, "e1"),  // whitespace
        (#"{"event_id":"e1","n":1.0}"#, "e1"),  // a number not in its shortest form
        (#"{"event_id":"e2"}"#, "e1"),  // another subject
        (#"{"id":"e1"}"#, "e1"),  // no subject member
        (#"["event_id","e1"]"#, "e1"),  // not an object
        (#"{"event_id":"e1""#, "e1"),  // not JSON
        (#"{"event_id":"\u0065\u0031"}"#, "e1"),  // the subject spelled with needless escapes
    ])
    func aBodyThatIsNotCanonicalOrNamesAnotherSubjectIsRefused(body: String, subject: String) {
        // The hash and links are right: only the body check can refuse it.
        let b = batch([(#"{"event_id":"e0"}"#, "e0"), (body, subject)])
        #expect(throws: BatchError.malformed("records[1] (seq 2): body not canonical or subject mismatch")) { try b.checkRecords() }
    }
}
