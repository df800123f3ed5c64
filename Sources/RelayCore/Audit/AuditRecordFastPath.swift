/// The offline audit's path for a record line in the exporter's spelling (`AuditRecordScanner`)
/// that checks out. It makes every check `ChainChecker` makes, straight from the line's bytes and
/// with no allocation per record: the body is decoded into one reused buffer and the hashed message
/// rebuilt around it (docs/ledger-format.md), the body checked canonical in one pass
/// (`CanonicalJSONCheck`) and the message hashed once. It answers only "this record is fine";
/// anything else goes through `ChainChecker`, which says what is wrong.
struct AuditRecordFastPath {
    /// Where the chain read so far ends.
    struct Head {
        var seq: Int64
        var hash: LedgerHash
        var epoch: Int64
    }

    /// `","region":<origin as JSON>,"seq":`: the same in every record's message.
    private let regionMember: [UInt8]
    /// The hashed message: domain tag ‖ prev_hash ‖ E. The tag stays in place from one record to the next.
    private var message: [UInt8] = []

    /// Where the prev_hash bytes and E start in `message`.
    private static let prevAt = LedgerEntry.domainTag.count
    private static let entryAt = prevAt + 32

    /// A fast path for the records of `origin`.
    init(origin: String) {
        var member = Array(#"","region":"#.utf8)
        LedgerEntry.append(string: origin, to: &member)
        member += #","seq":"#.utf8
        regionMember = member
    }

    /// The hash of the record in `line` (scanned as `f`) when it is the one after `head` and passes
    /// every check of `ChainChecker`: seq, link, epoch, hash, a canonical body naming its subject.
    /// The region needs no check: a record line's region is the file's origin.
    mutating func check(_ f: AuditRecordScanner.Fields, in line: UnsafeBufferPointer<UInt8>, after head: Head) -> LedgerHash? {
        guard f.seq == head.seq + 1, f.prevHash == head.hash, f.epoch >= head.epoch,
            Timestamp.isCanonical(iso8601: UnsafeBufferPointer(rebasing: line[f.committedAt]))
        else { return nil }
        // E is never longer than the line (the body shrinks from base64) plus the region member.
        let room = Self.entryAt + line.count + regionMember.count
        if message.count < room {
            message = LedgerEntry.domainTag + [UInt8](repeating: 0, count: 2 * room - Self.prevAt)
        }
        let regionMember = regionMember
        let fine = message.withUnsafeMutableBufferPointer { out in
            regionMember.withUnsafeBufferPointer { region in
                var w = Writer(out: out.baseAddress!, at: Self.entryAt)
                head.hash.store(at: out.baseAddress! + Self.prevAt)
                w.put(#"{"body":"#)
                let body = w.at
                guard let bodyCount = Base64.decode(UnsafeBufferPointer(rebasing: line[f.body]), into: w.out + body) else { return false }
                w.at += bodyCount
                w.put(#","committed_at":""#)
                w.put(line, f.committedAt)
                w.put(#"","epoch":"#)
                w.put(line, f.epochText)
                w.put(#","kind":""#)
                w.put(f.kind.rawValue)
                w.put(#"","prev_hash":""#)
                w.put(line, f.prevHashText)
                w.put(region, 0..<region.count)
                w.put(line, f.seqText)
                w.put("}")
                let bodyBytes = UnsafeBufferPointer(start: w.out + body, count: bodyCount)
                var subjectField = f.kind.subjectField
                let canonical = subjectField.withUTF8 {
                    CanonicalJSONCheck.isCanonicalObject(bodyBytes, member: $0, is: UnsafeBufferPointer(rebasing: line[f.subject]))
                }
                return canonical && LedgerHash(sha256: UnsafeRawBufferPointer(start: w.out, count: w.at)) == f.hash
            }
        }
        return fine ? f.hash : nil
    }

    /// Appends bytes at a cursor into memory known to be large enough.
    private struct Writer {
        let out: UnsafeMutablePointer<UInt8>
        var at: Int

        mutating func put(_ text: StaticString) {
            (out + at).update(from: text.utf8Start, count: text.utf8CodeUnitCount)
            at += text.utf8CodeUnitCount
        }

        mutating func put(_ text: String) {
            for byte in text.utf8 {
                out[at] = byte
                at += 1
            }
        }

        mutating func put(_ bytes: UnsafeBufferPointer<UInt8>, _ span: Range<Int>) {
            (out + at).update(from: bytes.baseAddress! + span.lowerBound, count: span.count)
            at += span.count
        }
    }
}
