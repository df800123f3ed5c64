import Foundation

/// Says whether bytes are already canonical (RFC 8785 as `CanonicalJSON` writes it) in one pass
/// over them, without building a `JSONValue`: true exactly when
/// `CanonicalJSON.bytes(JSONParser.parse(bytes)) == bytes`. The chain checks run this on every
/// ledger body (a million per offline audit), where parsing and re-serialising dominated.
///
/// Canonical text has no whitespace, keys in UTF-16 order without duplicates, strings escaped only
/// where RFC 8785 escapes them, and numbers spelled as ECMAScript prints them. Integers of up to 15
/// digits are checked from their digits; other numbers, and objects with non-ASCII keys (whose
/// duplicates are decided by Swift's canonical equivalence), defer to the parser and serialiser.
public struct CanonicalJSONCheck {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var depth = 0
    /// Set by `string()`: whether the string just read had a byte above 0x7F.
    private var sawNonASCII = false
    /// The top-level member whose value span `isCanonicalObject` wants, and that span.
    private let wanted: UnsafeBufferPointer<UInt8>?
    private var wantedValue: Range<Int>?

    /// JSONParser's default nesting limit: deeper text does not parse, so it is not canonical.
    private static let maxDepth = 64

    private init(bytes: UnsafeBufferPointer<UInt8>, wanted: UnsafeBufferPointer<UInt8>?) {
        self.bytes = bytes
        self.wanted = wanted
    }

    /// True when `bytes` are the canonical JSON text of the value they parse to.
    public static func isCanonical(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var check = CanonicalJSONCheck(bytes: bytes, wanted: nil)
        return check.document()
    }

    /// True when `bytes` are a canonical JSON object whose top-level member `key` is a string
    /// spelled exactly `value` (no escapes). False says only that this quick answer is not yes:
    /// the caller asks the parser why.
    public static func isCanonicalObject(_ bytes: UnsafeBufferPointer<UInt8>, member key: String, is value: String) -> Bool {
        var key = key
        var value = value
        return key.withUTF8 { key in value.withUTF8 { value in isCanonicalObject(bytes, member: key, is: value) } }
    }

    /// `isCanonicalObject(_:member:is:)` on the UTF-8 of the key and value.
    static func isCanonicalObject(
        _ bytes: UnsafeBufferPointer<UInt8>, member key: UnsafeBufferPointer<UInt8>, is value: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        guard bytes.first == UInt8(ascii: "{") else { return false }
        var check = CanonicalJSONCheck(bytes: bytes, wanted: key)
        guard check.document(), let span = check.wantedValue, span.count == value.count + 2 else { return false }
        // Without a backslash the spelling is the string itself.
        return !value.contains(UInt8(ascii: "\\")) && same(value, bytes, (span.lowerBound + 1)..<(span.upperBound - 1))
    }

    /// Whether `span` of `bytes` holds exactly `text`.
    private static func same(_ text: UnsafeBufferPointer<UInt8>, _ bytes: UnsafeBufferPointer<UInt8>, _ span: Range<Int>) -> Bool {
        guard text.count == span.count else { return false }
        guard let base = text.baseAddress else { return true }
        return memcmp(base, bytes.baseAddress! + span.lowerBound, span.count) == 0
    }

    // MARK: Grammar

    private mutating func document() -> Bool {
        value() && i == bytes.count
    }

    private var peek: UInt8 { i < bytes.count ? bytes[i] : 0 }

    private mutating func value() -> Bool {
        switch peek {
        case UInt8(ascii: "{"): return object()
        case UInt8(ascii: "["): return array()
        case UInt8(ascii: "\""): return string()
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
        default: return false
        }
    }

    private mutating func object() -> Bool {
        guard depth < Self.maxDepth else { return false }
        depth += 1
        defer { depth -= 1 }
        let start = i
        i += 1
        if peek == UInt8(ascii: "}") {
            i += 1
            return true
        }
        var previous: Range<Int>?
        var nonASCIIKeys = false
        while true {
            let keyStart = i
            guard peek == UInt8(ascii: "\""), string() else { return false }
            let key = (keyStart + 1)..<(i - 1)
            nonASCIIKeys = nonASCIIKeys || sawNonASCII
            if let previous, !Self.precedes(previous, key, in: bytes) { return false }
            previous = key
            guard peek == UInt8(ascii: ":") else { return false }
            i += 1
            let valueStart = i
            guard value() else { return false }
            if depth == 1, let wanted, bytes[valueStart] == UInt8(ascii: "\""), Self.same(wanted, bytes, key) {
                wantedValue = valueStart..<i
            }
            switch peek {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "}"):
                i += 1
                // Keys in order may still be duplicates to the parser when Unicode canonical
                // equivalence makes different bytes the same String ("K" and U+212A KELVIN SIGN).
                return !nonASCIIKeys || (try? JSONParser.parse(UnsafeBufferPointer(rebasing: bytes[start..<i]))) != nil
            default: return false
            }
        }
    }

    private mutating func array() -> Bool {
        guard depth < Self.maxDepth else { return false }
        depth += 1
        defer { depth -= 1 }
        i += 1
        if peek == UInt8(ascii: "]") {
            i += 1
            return true
        }
        while true {
            guard value() else { return false }
            switch peek {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "]"):
                i += 1
                return true
            default: return false
            }
        }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard bytes.count - i >= n else { return false }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { return false }
        i += n
        return true
    }

    // MARK: Strings

    /// A string from its opening quote: raw UTF-8 (valid as the parser requires) except `"`, `\`
    /// and C0 controls, which must be escaped as `CanonicalJSON` escapes them.
    private mutating func string() -> Bool {
        sawNonASCII = false
        i += 1
        while i < bytes.count {
            let b = bytes[i]
            if b >= 0x20, b < 0x80, b != UInt8(ascii: "\""), b != UInt8(ascii: "\\") {
                i += 1
            } else if b == UInt8(ascii: "\"") {
                i += 1
                return true
            } else if b == UInt8(ascii: "\\") {
                guard escape() else { return false }
            } else if b < 0x20 {
                return false
            } else {
                sawNonASCII = true
                guard scalar() else { return false }
            }
        }
        return false
    }

    /// An escape as RFC 8785 writes it: the short forms for `"`, `\`, BS, HT, LF, FF and CR, and
    /// `\u00xx` (lower-case hex) for the other C0 controls only.
    private mutating func escape() -> Bool {
        guard bytes.count - i >= 2 else { return false }
        switch bytes[i + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "b"), UInt8(ascii: "t"), UInt8(ascii: "n"),
            UInt8(ascii: "f"), UInt8(ascii: "r"):
            i += 2
            return true
        case UInt8(ascii: "u"):
            guard bytes.count - i >= 6, bytes[i + 2] == UInt8(ascii: "0"), bytes[i + 3] == UInt8(ascii: "0"),
                let unit = Self.controlUnit(bytes[i + 4], bytes[i + 5])
            else { return false }
            i += 6
            return Self.shortEscape(unit) == nil
        default:
            return false
        }
    }

    /// The code unit of `\u00` + `hi` `lo` when it is a C0 control in lower-case hex.
    private static func controlUnit(_ hi: UInt8, _ lo: UInt8) -> UInt8? {
        guard hi == UInt8(ascii: "0") || hi == UInt8(ascii: "1") else { return nil }
        let low: UInt8
        switch lo {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): low = lo - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): low = lo - UInt8(ascii: "a") + 10
        default: return nil
        }
        return (hi - UInt8(ascii: "0")) << 4 | low
    }

    /// The letter of a short escape for `unit`, when RFC 8785 uses one.
    private static func shortEscape(_ unit: UInt8) -> UInt8? {
        switch unit {
        case 0x08: UInt8(ascii: "b")
        case 0x09: UInt8(ascii: "t")
        case 0x0A: UInt8(ascii: "n")
        case 0x0C: UInt8(ascii: "f")
        case 0x0D: UInt8(ascii: "r")
        default: nil
        }
    }

    /// One multi-byte UTF-8 sequence, valid per Unicode Table 3-7 (as `JSONParser` checks it).
    private mutating func scalar() -> Bool {
        guard let (length, second) = UTF8Lead.sequence(bytes[i]) else { return false }
        guard bytes.count - i >= length, second.contains(bytes[i + 1]) else { return false }
        for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return false }
        i += length
        return true
    }

    /// RFC 8785 key order on two canonical key spellings: their decoded UTF-8 compared byte by byte,
    /// with the lead bytes of U+E000–U+FFFF (0xEE, 0xEF) lifted above those of supplementary
    /// scalars (0xF0–0xF4), which is UTF-16 code-unit order (see `CanonicalJSON.utf16Precedes`).
    static func precedes(_ a: Range<Int>, _ b: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var x = a.lowerBound
        var y = b.lowerBound
        while x < a.upperBound, y < b.upperBound {
            let p = decoded(bytes, at: &x)
            let q = decoded(bytes, at: &y)
            if p != q { return weight(p) < weight(q) }
        }
        return x == a.upperBound && y < b.upperBound
    }

    /// The next byte of the string a canonical spelling stands for (an escape yields one byte).
    private static func decoded(_ bytes: UnsafeBufferPointer<UInt8>, at k: inout Int) -> UInt8 {
        let b = bytes[k]
        guard b == UInt8(ascii: "\\") else {
            k += 1
            return b
        }
        let letter = bytes[k + 1]
        switch letter {
        case UInt8(ascii: "u"):
            k += 6
            return controlUnit(bytes[k - 2], bytes[k - 1])!
        case UInt8(ascii: "b"): k += 2; return 0x08
        case UInt8(ascii: "t"): k += 2; return 0x09
        case UInt8(ascii: "n"): k += 2; return 0x0A
        case UInt8(ascii: "f"): k += 2; return 0x0C
        case UInt8(ascii: "r"): k += 2; return 0x0D
        default: k += 2; return letter
        }
    }

    private static func weight(_ byte: UInt8) -> UInt16 {
        byte == 0xEE || byte == 0xEF ? UInt16(byte) + 0x10 : UInt16(byte)
    }

    // MARK: Numbers

    /// A number in JSON's grammar whose spelling is the one `CanonicalJSON.serialize(number:)`
    /// gives the Double it parses to.
    private mutating func number() -> Bool {
        let start = i
        let negative = peek == UInt8(ascii: "-")
        if negative { i += 1 }
        let digits = i
        switch peek {
        case UInt8(ascii: "0"):
            i += 1
            if Self.isDigit(peek) { return false }  // leading zero: not JSON
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
            skipDigits()
        default:
            return false
        }
        var integer = true
        if peek == UInt8(ascii: ".") {
            integer = false
            i += 1
            guard Self.isDigit(peek) else { return false }
            skipDigits()
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            integer = false
            i += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            guard Self.isDigit(peek) else { return false }
            skipDigits()
        }
        if integer && i - digits <= 15 {
            // Exact as a Double and printed back as the same digits; only -0 prints differently ("0").
            return !(negative && bytes[digits] == UInt8(ascii: "0"))
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        guard let number = Double(text), number.isFinite else { return false }
        return CanonicalJSON.serialize(number: number) == text
    }

    private mutating func skipDigits() {
        while Self.isDigit(peek) { i += 1 }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
