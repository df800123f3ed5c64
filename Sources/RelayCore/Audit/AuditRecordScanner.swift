import Foundation

/// The fast path for record lines as the exporter writes them (RFC 8785, members in canonical
/// order, no escapes): reads the members straight from the bytes, without building a JSON tree.
/// Anything else, even valid JSON in another spelling, returns nil and goes through the strict
/// generic parser (`Batch.Record.parse`), which accepts or refuses it with its reason; so this
/// only ever accepts lines that the generic path reads to the same record.
struct AuditRecordScanner {
    /// The members of a record line: the text ones as spans of the line (not decoded yet), the
    /// others read.
    struct Fields {
        /// The base64 of the body, unchecked: decoding it refuses anything but base64.
        var body: Range<Int>
        /// Printable ASCII without escapes, as are `subject` and the kind.
        var committedAt: Range<Int>
        var epoch: Int64
        /// The digits of `epoch` and `seq`, which the hashed message repeats (JCS spells such integers the same).
        var epochText: Range<Int>
        var hash: LedgerHash
        var kind: LedgerKind
        var prevHash: LedgerHash
        /// The 64 hex digits of `prev_hash`, which the hashed message repeats.
        var prevHashText: Range<Int>
        var seq: Int64
        var seqText: Range<Int>
        var subject: Range<Int>
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0

    /// The record of `line`, or nil when the line is not in the exporter's exact spelling.
    static func scan(_ line: some Collection<UInt8>, origin: String) -> Batch.Record? {
        if let fast = line.withContiguousStorageIfAvailable({ record($0, origin: origin) }) { return fast }
        return Array(line).withUnsafeBufferPointer { record($0, origin: origin) }
    }

    /// The members of `line`, or nil when it is not a record line in the exporter's exact spelling.
    static func fields(_ line: UnsafeBufferPointer<UInt8>) -> Fields? {
        var s = AuditRecordScanner(bytes: line)
        return s.fields()
    }

    private static func record(_ line: UnsafeBufferPointer<UInt8>, origin: String) -> Batch.Record? {
        guard let f = fields(line), let body = Base64.decode(UnsafeBufferPointer(rebasing: line[f.body])),
            let committedAt = try? Timestamp(iso8601: text(line, f.committedAt))
        else { return nil }
        let entry = LedgerEntry(
            region: origin, seq: f.seq, kind: f.kind, body: body, committedAt: committedAt, epoch: f.epoch, prevHash: f.prevHash.bytes,
            hash: f.hash.bytes)
        return Batch.Record(entry: entry, subject: text(line, f.subject))
    }

    private static func text(_ line: UnsafeBufferPointer<UInt8>, _ span: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: line[span]), as: UTF8.self)
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private mutating func fields() -> Fields? {
        guard take(#"{"body":""#), let body = base64Span(), take(#"","committed_at":""#), let committedAt = span(),
            take(#"","epoch":"#), let epoch = integer(), take(#","hash":""#), let hash = hex32(), take(#"","kind":""#),
            let kindSpan = span(), let kind = kind(kindSpan), take(#"","prev_hash":""#), let prev = hex32(),
            take(#"","seq":"#), let seq = integer(), take(#","subject":""#), let subject = span(),
            take(#"","type":"record"}"#), i == bytes.count
        else { return nil }
        return Fields(
            body: body, committedAt: committedAt, epoch: epoch.value, epochText: epoch.text, hash: hash.value, kind: kind,
            prevHash: prev.value, prevHashText: prev.text, seq: seq.value, seqText: seq.text, subject: subject)
    }

    private func kind(_ span: Range<Int>) -> LedgerKind? {
        for kind in LedgerKind.allCases {
            // Through memcmp: comparing with the String's UTF-8 view element by element was a tenth of the scan.
            var name = kind.rawValue
            let same = name.withUTF8 { name -> Bool in
                name.count == span.count && memcmp(name.baseAddress!, bytes.baseAddress! + span.lowerBound, span.count) == 0
            }
            if same { return kind }
        }
        return nil
    }

    private mutating func take(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard bytes.count - i >= n, memcmp(bytes.baseAddress! + i, literal.utf8Start, n) == 0 else { return false }
        i += n
        return true
    }

    /// The bytes up to the next `"`: printable ASCII without escapes (else nil: the generic path decides).
    private mutating func span() -> Range<Int>? {
        let start = i
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { return start..<i }
            guard b >= 0x20, b < 0x7f, b != UInt8(ascii: "\\") else { return nil }
            i += 1
        }
        return nil
    }

    /// The bytes up to the next `"`, unchecked: for the body, whose base64 decoding refuses
    /// anything else (escapes and controls included), so the generic path decides then.
    private mutating func base64Span() -> Range<Int>? {
        guard i < bytes.count, let quote = memchr(bytes.baseAddress! + i, Int32(UInt8(ascii: "\"")), bytes.count - i) else {
            return nil
        }
        let start = i
        i = UnsafeRawPointer(quote) - UnsafeRawPointer(bytes.baseAddress!)
        return start..<i
    }

    /// A non-negative integer below 2^53 without leading zeros (JSON's and JCS's spelling), and its digits.
    private mutating func integer() -> (value: Int64, text: Range<Int>)? {
        let start = i
        var n: Int64 = 0
        while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
            n = n * 10 + Int64(bytes[i] - UInt8(ascii: "0"))
            i += 1
            guard i - start <= 16 else { return nil }
        }
        guard i > start, bytes[start] != UInt8(ascii: "0") || i - start == 1, n < 9_007_199_254_740_992 else { return nil }
        return (n, start..<i)
    }

    /// A hash spelled as 64 lower-case hex characters, and that spelling.
    private mutating func hex32() -> (value: LedgerHash, text: Range<Int>)? {
        guard let value = LedgerHash(hex: bytes, at: i) else { return nil }
        i += 64
        return (value, (i - 64)..<i)
    }
}
