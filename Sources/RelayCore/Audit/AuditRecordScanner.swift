/// The fast path for record lines as the exporter writes them (RFC 8785, members in canonical
/// order, no escapes): reads the members straight from the bytes, without building a JSON tree.
/// Anything else, even valid JSON in another spelling, returns nil and goes through the strict
/// generic parser (`Batch.Record.parse`), which accepts or refuses it with its reason; so this
/// only ever accepts lines that the generic path reads to the same record.
struct AuditRecordScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0

    /// The record of `line`, or nil when the line is not in the exporter's exact spelling.
    static func scan(_ line: some Collection<UInt8>, origin: String) -> Batch.Record? {
        if let fast = line.withContiguousStorageIfAvailable({ buffer in
            var s = AuditRecordScanner(bytes: buffer)
            return s.record(origin: origin)
        }) {
            return fast
        }
        return Array(line).withUnsafeBufferPointer { buffer in
            var s = AuditRecordScanner(bytes: buffer)
            return s.record(origin: origin)
        }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private mutating func record(origin: String) -> Batch.Record? {
        guard take(#"{"body":""#), let body = base64(), take(#"","committed_at":""#), let committed = plain(),
            let committedAt = try? Timestamp(iso8601: committed), take(#"","epoch":"#), let epoch = integer(),
            take(#","hash":""#), let hash = hex32(), take(#"","kind":""#), let kindText = plain(),
            let kind = LedgerKind(rawValue: kindText), take(#"","prev_hash":""#), let prevHash = hex32(),
            take(#"","seq":"#), let seq = integer(), take(#","subject":""#), let subject = plain(),
            take(#"","type":"record"}"#), i == bytes.count
        else { return nil }
        let entry = LedgerEntry(
            region: origin, seq: seq, kind: kind, body: body, committedAt: committedAt, epoch: epoch, prevHash: prevHash, hash: hash)
        return Batch.Record(entry: entry, subject: subject)
    }

    private mutating func take(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard bytes.count - i >= n else { return false }
        let p = literal.utf8Start
        for k in 0..<n where bytes[i + k] != p[k] { return false }
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

    private mutating func plain() -> String? {
        guard let r = span() else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self)
    }

    /// A non-negative integer below 2^53 without leading zeros (JSON's and JCS's spelling).
    private mutating func integer() -> Int64? {
        let start = i
        var n: Int64 = 0
        while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
            n = n * 10 + Int64(bytes[i] - UInt8(ascii: "0"))
            i += 1
            guard i - start <= 16 else { return nil }
        }
        guard i > start, bytes[start] != UInt8(ascii: "0") || i - start == 1, n < 9_007_199_254_740_992 else { return nil }
        return n
    }

    /// 64 lower-case hex characters.
    private mutating func hex32() -> [UInt8]? {
        guard bytes.count - i >= 64 else { return nil }
        var bad: UInt8 = 0
        let out = [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
            for k in 0..<32 {
                let hi = Self.nibbles[Int(bytes[i + 2 * k])]
                let lo = Self.nibbles[Int(bytes[i + 2 * k + 1])]
                bad |= (hi | lo) & 0x10
                buffer[k] = hi << 4 | (lo & 0x0f)
            }
            count = 32
        }
        guard bad == 0 else { return nil }
        i += 64
        return out
    }

    /// Each byte's value as a lower-case hex digit, or 0x10 when it is none.
    private static let nibbles: [UInt8] = (0...255).map { c in
        switch c {
        case 48...57: UInt8(c - 48)
        case 97...102: UInt8(c - 87)
        default: 0x10
        }
    }

    /// Standard base64 with padding, up to the next `"`; nil on anything unusual.
    private mutating func base64() -> [UInt8]? {
        guard let r = span(), r.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(r.count / 4 * 3)
        var k = r.lowerBound
        while k < r.upperBound {
            let last = k + 4 == r.upperBound
            guard let a = Self.sextet(bytes[k]), let b = Self.sextet(bytes[k + 1]) else { return nil }
            out.append(a << 2 | b >> 4)
            if last, bytes[k + 2] == UInt8(ascii: "="), bytes[k + 3] == UInt8(ascii: "=") {
                guard b & 0x0f == 0 else { return nil }
                break
            }
            guard let c = Self.sextet(bytes[k + 2]) else { return nil }
            out.append((b & 0x0f) << 4 | c >> 2)
            if last, bytes[k + 3] == UInt8(ascii: "=") {
                guard c & 0x03 == 0 else { return nil }
                break
            }
            guard let d = Self.sextet(bytes[k + 3]) else { return nil }
            out.append((c & 0x03) << 6 | d)
            k += 4
        }
        return out
    }

    private static func sextet(_ c: UInt8) -> UInt8? {
        switch c {
        case 65...90: c - 65
        case 97...122: c - 71
        case 48...57: c + 4
        case 43: 62
        case 47: 63
        default: nil
        }
    }
}
