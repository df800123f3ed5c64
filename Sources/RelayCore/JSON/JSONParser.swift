/// Why a JSON text was rejected, and where.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    /// Zero-based byte offset into the input where the problem was detected.
    public let offset: Int
    /// Human-readable reason, e.g. "expected ',' or '}'".
    public let reason: String

    /// Creates an error at `offset` with `reason`.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// "invalid JSON at byte 17: expected ',' or '}'".
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// A strict RFC 8259 parser that also enforces the I-JSON (RFC 7493) rules JCS relies on.
///
/// Relay signs what it parses, so anything ambiguous is rejected rather than guessed at:
/// duplicate keys, lone surrogates, invalid UTF-8, numbers that do not fit a Double.
public enum JSONParser {
    /// Parses exactly one JSON value (surrounded by optional whitespace) from UTF-8 `bytes`.
    ///
    /// - Parameter maxDepth: the deepest allowed nesting of arrays/objects; a top-level array
    ///   is depth 1. It bounds recursion, so keep it modest (the parser recurses per level).
    public static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        // Parse straight from contiguous storage when the caller has it; copy only otherwise.
        let direct = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) in try parse(buffer: buffer, maxDepth: maxDepth) }
        }
        if let direct { return try direct.get() }
        return try Array(bytes).withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) in try parse(buffer: buffer, maxDepth: maxDepth) }
        }.get()
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(JSONParseError) -> JSONValue {
        var parser = Parser(input: buffer, maxDepth: maxDepth)
        return try parser.parseDocument()
    }
}

/// Recursive-descent state over a borrowed byte buffer; `position` always indexes `input`.
private struct Parser {
    let input: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var position = 0
    var depth = 0

    init(input: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.input = input
        self.maxDepth = maxDepth
    }

    // MARK: Structure

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard position < input.count else { throw fail(at: position, "empty input") }
        let value = try parseValue()
        skipWhitespace()
        guard position == input.count else { throw fail(at: position, "unexpected data after the JSON value") }
        return value
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard position < input.count else { throw fail(at: position, "expected a value") }
        switch input[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case let byte: throw fail(at: position, "expected a value, found \(Self.describe(byte))")
        }
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { throw fail(at: position, "expected '\"' to begin an object key") }
            let keyOffset = position
            let key = try parseString()
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw fail(at: position, "expected ':'") }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            // I-JSON forbids duplicates; Swift String equality is canonical equivalence, so
            // keys differing only in normalization also land here (a Dictionary cannot hold both).
            if members.updateValue(value, forKey: key) != nil {
                throw fail(at: keyOffset, "duplicate object key \"\(key)\"")
            }
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                depth -= 1
                return .object(members)
            default: throw fail(at: position, "expected ',' or '}'")
            }
        }
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                depth -= 1
                return .array(elements)
            default: throw fail(at: position, "expected ',' or ']'")
            }
        }
    }

    /// Consumes an opening bracket, refusing to go past `maxDepth` (which also bounds the stack).
    mutating func enterContainer() throws(JSONParseError) {
        guard depth < maxDepth else { throw fail(at: position, "nesting deeper than \(maxDepth) levels") }
        depth += 1
        position += 1
    }

    mutating func parseLiteral(_ word: StaticString, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
        let count = word.utf8CodeUnitCount
        let matches = position + count <= input.count
            && (0..<count).allSatisfy { input[position + $0] == word.utf8Start[$0] }
        guard matches else { throw fail(at: position, "invalid literal, expected '\(word)'") }
        position += count
        return value
    }

    // MARK: Numbers

    /// Validates the RFC 8259 number grammar, then converts; never accepts what strtod would but JSON wouldn't.
    mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = position
        let negative = peek == UInt8(ascii: "-")
        if negative { position += 1 }
        switch peek {
        case UInt8(ascii: "0"):
            position += 1
            if Self.isDigit(peek) { throw fail(at: start, "leading zeros are not allowed") }
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
            skipDigits()
        default:
            throw fail(at: position, "expected a digit")
        }
        var isInteger = true
        if peek == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard Self.isDigit(peek) else { throw fail(at: position, "expected a digit after '.'") }
            skipDigits()
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
            guard Self.isDigit(peek) else { throw fail(at: position, "expected a digit in the exponent") }
            skipDigits()
        }
        // Fast path: up to 15 digits is exact in both Int and Double, so skip text conversion.
        let digitCount = position - start - (negative ? 1 : 0)
        if isInteger && digitCount <= 15 {
            var magnitude = 0
            for index in (position - digitCount)..<position { magnitude = magnitude * 10 + Int(input[index] &- 48) }
            return negative ? -Double(magnitude) : Double(magnitude)  // keeps "-0" as -0.0
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: input[start..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw fail(at: start, "number out of range") }
        return value
    }

    mutating func skipDigits() {
        while Self.isDigit(peek) { position += 1 }
    }

    // MARK: Strings

    /// Parses a string starting at its opening quote.
    mutating func parseString() throws(JSONParseError) -> String {
        let quote = position
        position += 1
        // Fast path: plain printable ASCII up to the closing quote needs no copy buffer.
        var scan = position
        while scan < input.count {
            let byte = input[scan]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
            scan += 1
        }
        if scan < input.count && input[scan] == UInt8(ascii: "\"") {
            defer { position = scan + 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: input[position..<scan]), as: UTF8.self)
        }
        var bytes = Array(input[position..<scan])
        position = scan
        while position < input.count {
            let byte = input[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: bytes, as: UTF8.self)  // already validated, so no repairs happen
            case UInt8(ascii: "\\"):
                try parseEscape(into: &bytes)
            case 0..<0x20:
                throw fail(at: position, "unescaped control character \(Self.describe(byte)) in string")
            case 0x20..<0x80:
                bytes.append(byte)
                position += 1
            default:
                try copyUTF8Scalar(into: &bytes)
            }
        }
        throw fail(at: quote, "unterminated string")
    }

    /// Decodes one escape sequence (at the backslash) and appends its UTF-8.
    mutating func parseEscape(into bytes: inout [UInt8]) throws(JSONParseError) {
        let escape = position
        guard position + 1 < input.count else { throw fail(at: escape, "unterminated escape sequence") }
        let letter = input[position + 1]
        position += 2
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(letter)
        case UInt8(ascii: "b"): bytes.append(0x08)
        case UInt8(ascii: "f"): bytes.append(0x0C)
        case UInt8(ascii: "n"): bytes.append(0x0A)
        case UInt8(ascii: "r"): bytes.append(0x0D)
        case UInt8(ascii: "t"): bytes.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try parseHex4(escape: escape)
            var scalar = unit
            if (0xD800...0xDBFF).contains(unit) {
                // A high surrogate is only meaningful as the first half of a \uXXXX\uXXXX pair.
                guard position + 1 < input.count, input[position] == UInt8(ascii: "\\"),
                      input[position + 1] == UInt8(ascii: "u")
                else { throw fail(at: escape, "lone high surrogate in \\u escape") }
                let lowEscape = position
                position += 2
                let low = try parseHex4(escape: lowEscape)
                guard (0xDC00...0xDFFF).contains(low) else { throw fail(at: escape, "lone high surrogate in \\u escape") }
                scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(unit) {
                throw fail(at: escape, "lone low surrogate in \\u escape")
            }
            Self.appendUTF8(scalar, to: &bytes)
        default:
            throw fail(at: escape, "invalid escape sequence '\\\(Self.printable(letter))'")
        }
    }

    /// Reads the four hex digits after a "\u" (position is just past the 'u').
    mutating func parseHex4(escape: Int) throws(JSONParseError) -> UInt32 {
        guard position + 4 <= input.count else { throw fail(at: escape, "\\u escape needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = input[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail(at: escape, "\\u escape needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// Validates one multi-byte UTF-8 sequence per Unicode Table 3-7 (no overlongs,
    /// no encoded surrogates, nothing past U+10FFFF) and copies it.
    mutating func copyUTF8Scalar(into bytes: inout [UInt8]) throws(JSONParseError) {
        guard let (length, secondRange) = UTF8Lead.sequence(input[position]) else { throw fail(at: position, "invalid UTF-8") }
        guard position + length <= input.count, secondRange.contains(input[position + 1]) else {
            throw fail(at: position, "invalid UTF-8")
        }
        for index in (position + 2)..<(position + length) where !(0x80...0xBF).contains(input[index]) {
            throw fail(at: position, "invalid UTF-8")
        }
        bytes.append(contentsOf: input[position..<(position + length)])
        position += length
    }

    static func appendUTF8(_ scalar: UInt32, to bytes: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            bytes.append(UInt8(scalar))
        case 0x80..<0x800:
            bytes.append(UInt8(0xC0 | scalar >> 6))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            bytes.append(UInt8(0xE0 | scalar >> 12))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        default:
            bytes.append(UInt8(0xF0 | scalar >> 18))
            bytes.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    // MARK: Helpers

    /// The current byte, or 0 at end of input (0 never matches anything the grammar expects).
    var peek: UInt8 { position < input.count ? input[position] : 0 }

    mutating func skipWhitespace() {
        while position < input.count {
            switch input[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// Builds an error; an "expected …" at the very end reads better as a truncation.
    func fail(at offset: Int, _ reason: String) -> JSONParseError {
        let truncated = offset >= input.count && reason.hasPrefix("expected")
        return JSONParseError(offset: offset, reason: truncated ? "unexpected end of input, \(reason)" : reason)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// A byte as it should read in a message: 'x' when printable ASCII, else 0xNN.
    static func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(hex2(byte))"
    }

    static func printable(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? String(Character(Unicode.Scalar(byte))) : "0x\(hex2(byte))"
    }

    static func hex2(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}
