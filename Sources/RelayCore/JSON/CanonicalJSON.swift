/// RFC 8785 JSON Canonicalization Scheme (JCS): the one byte sequence Relay hashes and signs.
///
/// Any deviation here (key order, escaping, number spelling) silently changes signatures,
/// so every rule follows the RFC literally rather than what Swift or Foundation would emit.
public enum CanonicalJSON {
    /// The canonical UTF-8 encoding of `value`.
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out)
        return out
    }

    /// The canonical encoding of `value` as a String (same bytes as `bytes(_:)`).
    public static func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    /// A finite Double spelled as ECMAScript's Number.prototype.toString does (RFC 8785 §3.2.2.3).
    ///
    /// -0 becomes "0"; NaN and infinities are a precondition failure (the parser never produces them).
    public static func serialize(number value: Double) -> String {
        precondition(value.isFinite, "JSON numbers must be finite (RFC 8785 §3.2.2.3)")
        if value == 0 { return "0" }  // catches -0 too
        // Fast path: integers below 2^53 always print as plain digits and Int64 holds them exactly.
        if value.magnitude < 0x1p53, value.rounded(.towardZero) == value { return String(Int64(value)) }
        let (digits, n) = shortestDigits(value.magnitude)
        let k = digits.count
        var out: [UInt8] = value < 0 ? [UInt8(ascii: "-")] : []
        if k <= n && n <= 21 {
            out += digits
            out += repeatElement(UInt8(ascii: "0"), count: n - k)
        } else if 0 < n && n <= 21 {
            out += digits[..<n]
            out.append(UInt8(ascii: "."))
            out += digits[n...]
        } else if -6 < n && n <= 0 {
            out.append(contentsOf: "0.".utf8)
            out += repeatElement(UInt8(ascii: "0"), count: -n)
            out += digits
        } else {
            out.append(digits[0])
            if k > 1 {
                out.append(UInt8(ascii: "."))
                out += digits[1...]
            }
            out.append(contentsOf: (n - 1 < 0 ? "e-" : "e+").utf8)
            out.append(contentsOf: String((n - 1).magnitude).utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Shortest round-trip decimal digits `s` (no leading/trailing zeros) and exponent `n`
    /// such that `magnitude == 0.s × 10^n`, i.e. ECMAScript's k digits and n.
    ///
    /// Swift's `description` already yields the shortest, closest digits (as ECMAScript
    /// requires) but in its own layout ("1e-07", "100.0", "1.5e+300"), so it is re-parsed.
    private static func shortestDigits(_ magnitude: Double) -> (digits: [UInt8], n: Int) {
        let text = Array(magnitude.description.utf8)
        let e = text.firstIndex(of: UInt8(ascii: "e")) ?? text.count
        var digits: [UInt8] = []
        var integerDigits: Int?
        for byte in text[..<e] {
            if byte == UInt8(ascii: ".") { integerDigits = digits.count } else { digits.append(byte) }
        }
        var n = (integerDigits ?? digits.count) + (e < text.count ? Int(String(decoding: text[(e + 1)...], as: UTF8.self))! : 0)
        let leadingZeros = digits.prefix { $0 == UInt8(ascii: "0") }.count
        n -= leadingZeros
        digits.removeFirst(leadingZeros)
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        return (digits, n)
    }

    // MARK: Writing

    private static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): out.append(contentsOf: serialize(number: number).utf8)
        case .string(let string): writeString(string, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.sorted(by: { utf16Precedes($0.key, $1.key) }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(member.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// RFC 8785 §3.2.3 order: keys compared as arrays of UTF-16 code units.
    ///
    /// Equivalent to comparing `utf16` views, but walks scalars (cheap on native UTF-8
    /// strings). UTF-16 order differs from code-point order only in that supplementary
    /// scalars (surrogate pairs, 0xD800–0xDBFF lead) sort before U+E000–U+FFFF; lifting
    /// that range above U+10FFFF reproduces it exactly.
    static func utf16Precedes(_ lhs: String, _ rhs: String) -> Bool {
        func weight(_ scalar: Unicode.Scalar) -> UInt32 {
            (0xE000...0xFFFF).contains(scalar.value) ? scalar.value + 0x11_0000 : scalar.value
        }
        return lhs.unicodeScalars.lexicographicallyPrecedes(rhs.unicodeScalars) { weight($0) < weight($1) }
    }

    /// RFC 8785 mandates lowercase hex in \u00XX escapes.
    private static let lowercaseHex: [UInt8] = Array("0123456789abcdef".utf8)

    /// RFC 8785 §3.2.2.2: escape only '"', '\' and C0 controls; everything else (incl. '/',
    /// DEL and non-ASCII) is copied as raw UTF-8.
    private static func writeString(_ string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var string = string  // withUTF8 may need to make the storage native and contiguous
        string.withUTF8 { utf8 in
            var runStart = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                out += utf8[runStart..<index]
                runStart = index + 1
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x22, 0x5C: out.append(byte)
                default:
                    out.append(contentsOf: "u00".utf8)
                    out.append(lowercaseHex[Int(byte >> 4)])
                    out.append(lowercaseHex[Int(byte & 0xF)])
                }
            }
            out += utf8[runStart...]
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JSONValue {
    /// RFC 8785 canonical UTF-8 bytes of this value (see `CanonicalJSON.bytes(_:)`).
    public var canonicalBytes: [UInt8] { CanonicalJSON.bytes(self) }

    /// RFC 8785 canonical text of this value (see `CanonicalJSON.string(_:)`).
    public var canonicalString: String { CanonicalJSON.string(self) }
}
