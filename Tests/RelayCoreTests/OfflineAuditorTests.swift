import Foundation
import RelayCore
import Testing

/// `OfflineAuditor` on synthetic chains signed with real Ed25519 keys: partial ranges, the file's
/// key list, the order of lines, headers that disagree with the records. (The end-to-end test with
/// a real export and the Python verifier is `OfflineAuditTests`.)
struct OfflineAuditorTests {
    static let origin = "us-east-1"
    let key = SigningKey.generate().key
    let validFrom = try! Timestamp(iso8601: "2026-01-01T00:00:00Z")

    var ledgerKey: RegionKey { RegionKey(purpose: .ledger, publicKey: key.publicKey, validFrom: validFrom) }

    var trusted: RegionSet {
        try! RegionSet(regions: [
            Region(
                id: Self.origin, gatewayURL: URL(string: "http://127.0.0.1:1")!, drURL: URL(string: "http://127.0.0.1:2")!,
                database: RegionDatabase(host: .literal("127.0.0.1"), port: 5432, name: "relay", tls: .disable), keys: [ledgerKey])
        ])
    }

    /// Records 1…`count` of a chain and its batches of `size`, signed with `key`.
    func chain(_ count: Int64, batchesOf size: Int) -> (records: [Batch.Record], batches: [Batch]) {
        var records: [Batch.Record] = []
        var prev = LedgerEntry.genesisPrevHash
        let at = try! Timestamp(iso8601: "2026-06-01T12:00:00.000001Z")
        for seq in 1...count {
            let id = "seal-\(seq)"
            let entry = LedgerEntry(
                region: Self.origin, seq: seq, kind: .sealExecuted,
                body: Array(#"{"executed_at":"2026-06-01T12:00:00.000000Z","seal_id":"\#(id)"}"#.utf8), committedAt: at, epoch: 1,
                prevHash: prev)
            records.append(Batch.Record(entry: entry, subject: id))
            prev = entry.hash
        }
        var batches: [Batch] = []
        var start = 0
        while start < records.count {
            let slice = Array(records[start..<min(start + size, records.count)])
            let before = start == 0 ? LedgerEntry.genesisPrevHash : records[start - 1].entry.hash
            batches.append(Batch.make(records: slice, prevHash: before, batchNo: Int64(batches.count + 1), key: key, now: at))
            start += size
        }
        return (records, batches)
    }

    /// Audits a file of the given parts (seqs `from`…`to`).
    func audit(
        from: Int64, to: Int64, records: [Batch.Record], batches: [Batch], keys: [RegionKey]? = nil, extraLines: [String] = []
    ) throws -> OfflineAuditReport {
        let preamble = AuditPreamble(
            origin: Self.origin, source: "eu-west-1", fromSeq: from, toSeq: to, recordCount: Int64(records.count),
            headerCount: Int64(batches.count), exportedAt: validFrom, keys: keys ?? [ledgerKey])
        var lines = batches.map { AuditLine.batchText(header: $0.header.json, signature: $0.signature) }
        lines += records.map(AuditLine.recordText)
        lines += extraLines
        var auditor = try OfflineAuditor(preamble: try AuditPreamble.parse(Array(CanonicalJSON.string(preamble.json).utf8)), trusted: trusted)
        for (i, line) in lines.enumerated() { auditor.consume(Array(line.utf8), number: i + 2) }
        return auditor.finish()
    }

    @Test func aWholeChainWithItsSignedBatchesIsConsistentAndSignedToItsHead() throws {
        let (records, batches) = chain(23, batchesOf: 5)
        let report = try audit(from: 1, to: 23, records: records, batches: batches)
        #expect(report.consistent, "\(report.table)")
        #expect(report.signedThrough == 23 && report.headersVerified == 5 && report.records == 23)
    }

    @Test func aRangeFromALaterSeqIsVouchedForByTheHeadersAroundIt() throws {
        let (records, batches) = chain(20, batchesOf: 5)
        // Seqs 6…20 with the batches 6…10, 11…15, 16…20 and the one ending at seq 5 (its head is
        // the first record's prev_hash).
        let report = try audit(from: 6, to: 20, records: Array(records[5...]), batches: batches)
        #expect(report.consistent, "\(report.table)")
        #expect(report.signedThrough == 20 && report.firstSeq == 6)
    }

    @Test func aRangeWhoseFirstPrevHashDisagreesWithTheSignedHeadBeforeItIsAHeaderMismatch() throws {
        let (records, batches) = chain(10, batchesOf: 5)
        var tail = Array(records[5...])
        // Rewritten from seq 6 on with a fresh chain: every hash recomputes, but batch 1 signed seq 5.
        var prev = Hex.decodeForTests(String(repeating: "11", count: 32))
        for i in tail.indices {
            let e = tail[i].entry
            tail[i].entry = LedgerEntry(
                region: e.region, seq: e.seq, kind: e.kind, body: e.body, committedAt: e.committedAt, epoch: e.epoch, prevHash: prev)
            prev = tail[i].entry.hash
        }
        let report = try audit(from: 6, to: 10, records: tail, batches: [batches[0]])
        #expect(report.findings.contains { $0.reason == .headerMismatch && $0.seq == 5 }, "\(report.table)")
        #expect(report.findings.contains { $0.reason == .uncovered && $0.seq == 6 }, "\(report.table)")
    }

    @Test func aKeyTheRegionFilesDoNotListIsAKeyMismatch() throws {
        let (records, batches) = chain(3, batchesOf: 3)
        let smuggled = RegionKey(purpose: .ledger, publicKey: SigningKey.generate().key.publicKey, validFrom: validFrom)
        let report = try audit(from: 1, to: 3, records: records, batches: batches, keys: [ledgerKey, smuggled])
        #expect(report.findings.map(\.reason) == [.keyMismatch], "\(report.table)")
    }

    @Test func junkLinesAndBatchLinesAfterTheRecordsAreMalformedLines() throws {
        let (records, batches) = chain(4, batchesOf: 2)
        let late = AuditLine.batchText(header: batches[1].header.json, signature: batches[1].signature)
        let report = try audit(from: 1, to: 4, records: records, batches: [batches[0]], extraLines: ["not json", late])
        let reasons = report.findings.map(\.reason)
        #expect(reasons.filter { $0 == .malformedLine }.count == 3, "\(report.table)")  // junk, late batch, header count
        // The late header's head arrives after its record: it vouches for nothing.
        #expect(report.findings.contains { $0.reason == .uncovered && $0.seq == 3 }, "\(report.table)")
    }

    @Test func anEmptyExportIsConsistent() throws {
        let report = try audit(from: 1, to: 0, records: [], batches: [])
        #expect(report.consistent && report.records == 0, "\(report.table)")
    }

    @Test func aPreambleThatIsNotOneIsRefusedWithItsReason() {
        #expect(throws: AuditFileError.self) { try AuditPreamble.parse(Array(#"{"type":"relay-ledger-v1"}"#.utf8)) }
        #expect(throws: AuditFileError.self) { try AuditPreamble.parse(Array("junk".utf8)) }
    }
}
