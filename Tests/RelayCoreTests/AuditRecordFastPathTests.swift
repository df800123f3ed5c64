import Foundation
import Testing

@testable import RelayCore
import RelayTestSupport

/// The offline audit's fast path for record lines must change no verdict: a file audited as the
/// exporter spells it (fast path) and the same file with every record line re-spelled so that only
/// the full path reads it (`{ "body"…`, which the scanner does not take) give the same report,
/// findings and details included, whatever was tampered with.
struct AuditRecordFastPathTests {
    static let origin = "us-east-1"
    let key = SigningKey.generate().key
    let validFrom = try! Timestamp(iso8601: "2026-01-01T00:00:00Z")
    let at = try! Timestamp(iso8601: "2026-06-01T12:00:00.000001Z")

    var trusted: RegionSet {
        try! RegionSet(regions: [
            Region(
                id: Self.origin, gatewayURL: URL(string: "http://127.0.0.1:1")!, drURL: URL(string: "http://127.0.0.1:2")!,
                database: RegionDatabase(host: .literal("127.0.0.1"), port: 5432, name: "relay", tls: .disable),
                keys: [RegionKey(purpose: .ledger, publicKey: key.publicKey, validFrom: validFrom)])
        ])
    }

    func body(_ seq: Int64) -> String { #"{"executed_at":"2026-06-01T12:00:00.000000Z","seal_id":"seal-\#(seq)"}"# }

    /// Records 1…`count` built from `bodies` (seq → body text; default `body(seq)`), each linked to the one before.
    func records(_ count: Int64, epochs: [Int64: Int64] = [:], bodies: [Int64: String] = [:]) -> [Batch.Record] {
        var out: [Batch.Record] = []
        var prev = LedgerEntry.genesisPrevHash
        for seq in 1...count {
            let entry = LedgerEntry(
                region: Self.origin, seq: seq, kind: .sealExecuted, body: Array((bodies[seq] ?? body(seq)).utf8), committedAt: at,
                epoch: epochs[seq] ?? 1, prevHash: prev)
            out.append(Batch.Record(entry: entry, subject: "seal-\(seq)"))
            prev = entry.hash
        }
        return out
    }

    /// The report on the file holding `lines` (record lines), signed in batches of 4 over `signed`.
    func report(_ lines: [String], signed: [Batch.Record], respell: Bool) throws -> OfflineAuditReport {
        var batches: [Batch] = []
        var start = 0
        while start < signed.count {
            let slice = Array(signed[start..<min(start + 4, signed.count)])
            let before = start == 0 ? LedgerEntry.genesisPrevHash : signed[start - 1].entry.hash
            batches.append(Batch.make(records: slice, prevHash: before, batchNo: Int64(batches.count + 1), key: key, now: at))
            start += 4
        }
        let preamble = AuditPreamble(
            origin: Self.origin, source: "eu-west-1", fromSeq: 1, toSeq: Int64(signed.count), recordCount: Int64(lines.count),
            headerCount: Int64(batches.count), exportedAt: validFrom, keys: [RegionKey(purpose: .ledger, publicKey: key.publicKey, validFrom: validFrom)])
        var auditor = try OfflineAuditor(preamble: preamble, trusted: trusted)
        let all = batches.map { AuditLine.batchText(header: $0.header.json, signature: $0.signature) }
            + lines.map { respell ? "{ " + $0.dropFirst() : $0 }
        for (i, line) in all.enumerated() { auditor.consume(Array(line.utf8), number: i + 2) }
        return auditor.finish()
    }

    /// Audits `tampered` (record lines) against headers signed over `signed` (by default the
    /// untampered chain), both ways.
    func expectSameVerdict(_ tampered: [String], _ what: String, signed: [Batch.Record]? = nil, consistent: Bool = false) throws {
        let signed = signed ?? records(12)
        let fast = try report(tampered, signed: signed, respell: false)
        let full = try report(tampered, signed: signed, respell: true)
        #expect(fast == full, "\(what)\nfast path:\n\(fast.table)\nfull path:\n\(full.table)")
        #expect(fast.consistent == consistent, "\(what): \(fast.table)")
    }

    func lines(_ records: [Batch.Record]) -> [String] { records.map(AuditLine.recordText) }

    @Test func anUntouchedChainIsConsistentBothWays() throws {
        try expectSameVerdict(lines(records(12)), "untouched", consistent: true)
    }

    @Test func everyTamperingIsFoundWithTheSameFindingsBothWays() throws {
        let good = records(12)
        func edited(_ seq: Int, _ change: (inout LedgerEntry) -> Void) -> [String] {
            var copy = good
            change(&copy[seq - 1].entry)
            return lines(copy)
        }
        let tamperings: [(String, [String])] = [
            ("hash edited", edited(5) { $0.hash[0] ^= 1 }),
            ("prev_hash edited", edited(5) { $0.prevHash[31] ^= 1 }),
            ("body edited", edited(5) { $0.body = Array(self.body(50).utf8) }),
            ("kind edited", edited(5) { $0.kind = .authEvent }),
            ("epoch edited", edited(5) { $0.epoch = 2 }),
            ("committed_at edited", edited(5) { $0.committedAt = self.validFrom }),
            ("a record removed", lines(good.enumerated().filter { $0.offset != 6 }.map(\.element))),
            ("a record repeated", lines(Array(good[..<7]) + [good[6]] + Array(good[7...]))),
            ("records swapped", lines(Array(good[..<3]) + [good[4], good[3]] + Array(good[5...]))),
            ("the tail cut", lines(Array(good[..<9]))),
            // Rewritten chains whose hashes all recompute: only the checks beyond the hash find them.
            ("body with whitespace", lines(records(12, bodies: [5: #"{"seal_id": "seal-5"}"#]))),
            ("body keys out of order", lines(records(12, bodies: [5: #"{"seal_id":"seal-5","a":1}"#]))),
            ("body naming another subject", lines(records(12, bodies: [5: #"{"seal_id":"seal-6"}"#]))),
            ("body not an object", lines(records(12, bodies: [5: #"["seal-5"]"#]))),
            ("body with a non-canonical number", lines(records(12, bodies: [5: #"{"n":1.0,"seal_id":"seal-5"}"#]))),
            ("body with an escaped subject", lines(records(12, bodies: [5: #"{"seal_id":"seal\u002d5"}"#]))),
            ("epoch going back", lines(records(12, epochs: [1: 3, 2: 3, 3: 3, 4: 3, 5: 2]))),
        ]
        for (what, tampered) in tamperings { try expectSameVerdict(tampered, what) }
    }

    @Test func spellingsTheFastPathLeavesToTheFullPathKeepTheirVerdict() throws {
        let good = lines(records(12))
        var offset = good
        // The same instant with an offset: not the canonical spelling the hash was made over, but the same time.
        offset[4] = offset[4].replacingOccurrences(of: "12:00:00.000001Z", with: "12:00:00.000001+00:00")
        try expectSameVerdict(offset, "committed_at with an offset", consistent: true)
        // Canonical bodies the one-pass check hands to the parser (non-ASCII keys, floats) or reads itself (escapes).
        let bodies: [Int64: String] = [
            3: #"{"n":1.5,"seal_id":"seal-3"}"#, 4: "{\"seal_id\":\"seal-4\",\"é\":\"\u{1F600}\"}", 5: #"{"a\n":"\u001f","seal_id":"seal-5"}"#,
        ]
        let other = records(12, bodies: bodies)
        try expectSameVerdict(lines(other), "other canonical bodies", signed: other, consistent: true)
    }

    @Test func theFastPathTakesAGoodRecordAndDeclinesAnythingElse() {
        let good = records(3)
        var fast = AuditRecordFastPath(origin: Self.origin)
        let head = AuditRecordFastPath.Head(seq: 1, hash: LedgerHash(good[0].entry.hash), epoch: 1)
        func check(_ line: String, after head: AuditRecordFastPath.Head) -> LedgerHash? {
            Array(line.utf8).withUnsafeBufferPointer { line in
                AuditRecordScanner.fields(line).flatMap { fast.check($0, in: line, after: head) }
            }
        }
        #expect(check(AuditLine.recordText(good[1]), after: head) == LedgerHash(good[1].entry.hash))
        #expect(check(AuditLine.recordText(good[2]), after: head) == nil, "not the next seq")
        #expect(check(AuditLine.recordText(good[1]), after: .init(seq: 1, hash: head.hash, epoch: 2)) == nil, "epoch back")
        var edited = good[1]
        edited.entry.hash[3] ^= 0x40
        #expect(check(AuditLine.recordText(edited), after: head) == nil, "hash edited")
    }

    @Test func aCanonicalTimestampIsExactlyWhatIso8601Writes() {
        let texts = [
            "2026-06-01T12:00:00.000001Z", "0000-01-01T00:00:00.000000Z", "9999-12-31T23:59:59.999999Z", "2024-02-29T00:00:00.000000Z",
            "2023-02-29T00:00:00.000000Z", "2026-13-01T00:00:00.000000Z", "2026-06-01T24:00:00.000000Z", "2026-06-01T12:60:00.000000Z",
            "2026-06-01T12:00:60.000000Z", "2026-06-01 12:00:00.000000Z", "2026-06-01T12:00:00.000000z", "2026-06-01T12:00:00.00000Z",
            "2026-06-01T12:00:00Z", "2026-06-01T12:00:00.000000+00:00", "2026-00-01T00:00:00.000000Z", "2026-06-00T00:00:00.000000Z",
            "2026-06-01T12:00:00.00000aZ",
        ]
        for text in texts {
            let canonical = (try? Timestamp(iso8601: text))?.iso8601 == text
            #expect(Array(text.utf8).withUnsafeBufferPointer { Timestamp.isCanonical(iso8601: $0) } == canonical, "\(text)")
        }
    }

    @Test func hashesAndBase64AreReadInTheirOneSpellingOnly() {
        var random = SplitMix64(seed: 32)
        for _ in 0..<200 {
            let bytes = (0..<32).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let hex = Array(Hex.encode(bytes).utf8)
            #expect(hex.withUnsafeBufferPointer { LedgerHash(hex: $0, at: 0) } == LedgerHash(bytes))
            let body = (0..<random.below(40)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            #expect(Array(Base64.encode(body).utf8).withUnsafeBufferPointer { Base64.decode($0) } == body)
        }
        for bad in [String(repeating: "A", count: 64), String(repeating: "0", count: 63) + "g", String(repeating: "0", count: 63)] {
            #expect(Array(bad.utf8).withUnsafeBufferPointer { LedgerHash(hex: $0, at: 0) } == nil, "\(bad)")
        }
        for bad in ["QQ=", "QR==", "QUJ=", "Q===", "QU=B", "QUJD\n", "QU JD", "QUJD="] {
            #expect(Array(bad.utf8).withUnsafeBufferPointer { Base64.decode($0) } == nil, "\(bad)")
        }
    }
}
