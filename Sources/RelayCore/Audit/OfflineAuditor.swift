/// Checks an offline audit file line by line (docs/offline-audit.md), with no database and no
/// network: every record's hash and link (`ChainChecker`), every batch header's signature with
/// the trusted keys of the origin valid at its time, every header's `prev_hash`/`head_hash`
/// against the records, and which records no signed head vouches for. Pure: the caller streams
/// lines in; memory grows with the number of headers, not of records.
public struct OfflineAuditor: Sendable {
    /// Findings kept in full; beyond this only their number is counted.
    public static let findingLimit = 1000

    public let preamble: AuditPreamble
    private let trusted: RegionSet
    /// Where the records read so far end (nil before the first).
    private var head: AuditRecordFastPath.Head?
    private var fastPath: AuditRecordFastPath
    private var report: OfflineAuditReport
    /// What signed headers say about the hash at a seq: `(seq → [(header index, expected hash, what)])`.
    private var expected: [Int64: [Expectation]] = [:]
    private var headers: [BatchHeader] = []
    private var inRecords = false

    private struct Expectation: Sendable {
        var header: Int
        var hash: [UInt8]
        /// True for `head_hash` (the header vouches for everything up to this seq), false for `prev_hash`.
        var isHead: Bool
    }

    /// Starts checking a file with `preamble`, trusting the ledger keys of `trusted` (the region
    /// files); throws when `trusted` does not define the file's origin.
    public init(preamble: AuditPreamble, trusted: RegionSet) throws(AuditFileError) {
        guard trusted.region(preamble.origin) != nil else { throw .unknownOrigin(preamble.origin) }
        self.preamble = preamble
        self.trusted = trusted
        self.report = OfflineAuditReport(preamble: preamble)
        self.fastPath = AuditRecordFastPath(origin: preamble.origin)
        checkKeys()
    }

    /// Checks line `number` (1-based; the preamble is line 1) of the file.
    public mutating func consume(_ line: some Collection<UInt8>, number: Int) {
        if line.withContiguousStorageIfAvailable({ consume($0, number: number) }) == nil {
            Array(line).withUnsafeBufferPointer { consume($0, number: number) }
        }
    }

    /// Checks line `number` of the file, in a buffer the caller holds.
    public mutating func consume(_ line: UnsafeBufferPointer<UInt8>, number: Int) {
        // The common case: the next record in the exporter's spelling, and nothing wrong with it.
        if let head, let f = AuditRecordScanner.fields(line), f.seq <= preamble.toSeq,
            let hash = fastPath.check(f, in: line, after: head)
        {
            inRecords = true
            self.head = AuditRecordFastPath.Head(seq: f.seq, hash: hash, epoch: f.epoch)
            meet(seq: f.seq, hash: hash)
            report.records += 1
            report.lastSeq = f.seq
            return
        }
        let parsed: AuditLine
        do { parsed = try AuditLine.parse(line, origin: preamble.origin) } catch {
            add(nil, .malformedLine, "line \(number): \(error)")
            return
        }
        switch parsed {
        case .batch(let header, let signature):
            if inRecords { add(header.firstSeq, .malformedLine, "line \(number): batch lines must come before the records") }
            check(header, signature: signature)
        case .record(let record):
            inRecords = true
            check(record)
        }
    }

    /// The result once every line was consumed.
    public mutating func finish() -> OfflineAuditReport {
        let last = report.lastSeq ?? (preamble.fromSeq - 1)
        // The highest seq anything vouches for that the file does not reach.
        let vouched = expected.filter { $0.key > last && $0.value.contains { $0.isHead } }.keys.max()
        let declared = preamble.toSeq
        if declared > last || vouched != nil {
            var why = "the file ends at seq \(last)"
            if declared > last { why += "; its preamble declares records up to seq \(declared)" }
            if let vouched { why += "; signed batch headers vouch for the chain up to seq \(vouched)" }
            add(last + 1, .truncated, why + " (tail cut)")
        } else if report.records != preamble.recordCount {
            add(nil, .truncated, "the preamble declares \(preamble.recordCount) records, the file holds \(report.records)")
        }
        if report.headers != preamble.headerCount {
            add(nil, .malformedLine, "the preamble declares \(preamble.headerCount) batch headers, the file holds \(report.headers)")
        }
        if let lastSeq = report.lastSeq, lastSeq > report.signedThrough {
            let first = max(report.signedThrough + 1, report.firstSeq ?? lastSeq)
            add(
                first, .uncovered,
                "seqs \(first)…\(lastSeq) are not covered by any signed batch header that matches the records "
                    + (report.signedThrough >= (report.firstSeq ?? 1) ? "(the last signed head is seq \(report.signedThrough))" : "(no signed head matches)"))
        }
        report.consistent = report.findingsTotal == 0
        return report
    }

    // MARK: Checks

    /// The file's keys must be keys the trusted region files list for the origin, byte for byte.
    private mutating func checkKeys() {
        let known = Dictionary(
            (trusted.region(preamble.origin)?.keys ?? []).map { ($0.keyID, $0) }, uniquingKeysWith: { a, _ in a })
        for key in preamble.keys {
            guard let mine = known[key.keyID], mine.publicKey == key.publicKey, mine.purpose == key.purpose else {
                add(nil, .keyMismatch, "the file lists \(key.purpose) key \(key.keyID), which the region files do not list for \(preamble.origin)")
                continue
            }
        }
    }

    private mutating func check(_ header: BatchHeader, signature: [UInt8]) {
        let index = headers.count
        headers.append(header)
        report.headers += 1
        let name = "batch \(header.batchNo) (seqs \(header.firstSeq)…\(header.lastSeq))"
        guard header.origin == preamble.origin else {
            add(header.firstSeq, .headerMismatch, "\(name) is of origin '\(header.origin)', the file holds \(preamble.origin)")
            return
        }
        guard header.firstSeq >= 1, header.lastSeq >= header.firstSeq, header.lastSeq - header.firstSeq + 1 == header.count else {
            add(header.firstSeq, .headerMismatch, "\(name): first_seq, last_seq and count \(header.count) disagree")
            return
        }
        if header.firstSeq == 1, header.prevHash != LedgerEntry.genesisPrevHash {
            add(header.firstSeq, .headerMismatch, "\(name): seq 1 must follow 32 zero bytes")
            return
        }
        let keys = trusted.trustedKeys(purpose: .ledger, region: header.origin, at: header.createdAt)
        do {
            try Batch(header: header, signature: signature, records: []).checkSignature(trusted: keys)
        } catch .unknownKey(let why) {
            add(header.firstSeq, .unknownKey, "\(name): \(why)")
            return
        } catch {
            add(header.firstSeq, .badSignature, "\(name): the Ed25519 signature of key \(header.keyID) does not verify")
            return
        }
        report.headersVerified += 1
        expected[header.lastSeq, default: []].append(Expectation(header: index, hash: header.headHash, isHead: true))
        expected[header.firstSeq - 1, default: []].append(Expectation(header: index, hash: header.prevHash, isHead: false))
    }

    private mutating func check(_ record: Batch.Record) {
        let entry = record.entry
        guard entry.seq >= preamble.fromSeq, entry.seq <= preamble.toSeq, entry.seq > (report.lastSeq ?? 0) else {
            add(entry.seq, .malformedLine, "record seq \(entry.seq) is out of order or outside the declared seqs \(preamble.fromSeq)…\(preamble.toSeq)")
            return
        }
        let start: AuditRecordFastPath.Head
        if let head {
            start = head
        } else {
            // The first record's prev_hash is taken as given; a header signed at seq from − 1 checks it.
            start = AuditRecordFastPath.Head(
                seq: preamble.fromSeq - 1, hash: LedgerHash(preamble.fromSeq == 1 ? LedgerEntry.genesisPrevHash : entry.prevHash),
                epoch: entry.epoch)
            if entry.seq == preamble.fromSeq { meet(seq: entry.seq - 1, hash: LedgerHash(entry.prevHash)) }
            report.firstSeq = entry.seq
        }
        var chain = ChainChecker(region: preamble.origin, after: LedgerHead(seq: start.seq, hash: start.hash.bytes, epoch: start.epoch))
        for finding in chain.check(entry, subject: record.subject) { add(AuditFinding(finding)) }
        let hash = LedgerHash(entry.hash)
        head = AuditRecordFastPath.Head(seq: entry.seq, hash: hash, epoch: entry.epoch)
        meet(seq: entry.seq, hash: hash)
        report.records += 1
        report.lastSeq = entry.seq
    }

    /// Compares what signed headers say about `seq` with the record's `hash`.
    private mutating func meet(seq: Int64, hash: LedgerHash) {
        guard let waiting = expected.removeValue(forKey: seq) else { return }
        let hash = hash.bytes
        for e in waiting {
            let h = headers[e.header]
            let name = "batch \(h.batchNo) (seqs \(h.firstSeq)…\(h.lastSeq))"
            if e.hash != hash {
                add(
                    seq, .headerMismatch,
                    "\(name) signed \(e.isHead ? "head_hash" : "prev_hash") \(Hex.encode(e.hash)) for seq \(seq); the record's hash is \(Hex.encode(hash))")
            } else if e.isHead {
                report.signedThrough = max(report.signedThrough, seq)
            }
        }
    }

    private mutating func add(_ seq: Int64?, _ reason: AuditFinding.Reason, _ detail: String) {
        add(AuditFinding(seq: seq, reason: reason, detail: detail))
    }

    private mutating func add(_ finding: AuditFinding) {
        report.findingsTotal += 1
        if report.findings.count < Self.findingLimit { report.findings.append(finding) }
    }
}
