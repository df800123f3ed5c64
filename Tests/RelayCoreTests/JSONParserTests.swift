import Testing

@testable import RelayCore

struct JSONParserTests {
    /// The error `bytes` produce, or nil if they parse.
    private func failure(_ bytes: [UInt8], maxDepth: Int = 64) -> JSONParseError? {
        do {
            _ = try JSONParser.parse(bytes, maxDepth: maxDepth)
            return nil
        } catch {
            return error
        }
    }

    private func failure(_ text: String, maxDepth: Int = 64) -> JSONParseError? {
        failure(Array(text.utf8), maxDepth: maxDepth)
    }

    private func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    /// (input, expected offset, fragment of the expected reason)
    static let malformedText: [(String, Int, String)] = [
        ("", 0, "empty input"),
        (" \t\r\n", 4, "empty input"),
        (#"{"a":1 "b":2}"#, 7, "expected ',' or '}'"),
        (#"{"a":1"#, 6, "end of input, expected ',' or '}'"),
        ("[1 2]", 3, "expected ',' or ']'"),
        ("[1,", 3, "end of input, expected a value"),
        (#"{"a" 1}"#, 5, "expected ':'"),
        ("{1:2}", 1, "expected '\"' to begin an object key"),
        ("[1,]", 3, "expected a value, found ']'"),
        (#"{"a":1,}"#, 7, "expected '\"' to begin an object key"),
        ("tru", 0, "invalid literal, expected 'true'"),
        ("True", 0, "expected a value, found 'T'"),
        ("nul", 0, "invalid literal, expected 'null'"),
        ("[fals]", 1, "invalid literal, expected 'false'"),
        ("01", 0, "leading zeros"),
        ("-01", 0, "leading zeros"),
        ("+1", 0, "found '+'"),
        (".5", 0, "found '.'"),
        ("1.", 2, "expected a digit after '.'"),
        ("1.e5", 2, "expected a digit after '.'"),
        ("1e", 2, "expected a digit in the exponent"),
        ("1e+", 3, "expected a digit in the exponent"),
        ("-", 1, "expected a digit"),
        ("- 1", 1, "expected a digit"),
        ("NaN", 0, "found 'N'"),
        ("Infinity", 0, "found 'I'"),
        ("-Infinity", 1, "expected a digit"),
        ("1e400", 0, "number out of range"),
        ("[0, -1.5e309]", 4, "number out of range"),
        ("0x10", 1, "unexpected data after the JSON value"),
        ("{} x", 3, "unexpected data after the JSON value"),
        ("1 2", 2, "unexpected data after the JSON value"),
        ("[]]", 2, "unexpected data after the JSON value"),
        (#""abc"#, 0, "unterminated string"),
        (#"["abc\"]"#, 1, "unterminated string"),
        ("\"a\u{1}b\"", 2, "unescaped control character byte 0x01"),
        ("\"tab\there\"", 4, "unescaped control character byte 0x09"),
        ("\"new\nline\"", 4, "unescaped control character"),
        (#""\x""#, 1, #"invalid escape sequence '\x'"#),
        (#""\'""#, 1, "invalid escape sequence"),
        (#""\u12""#, 1, "four hex digits"),
        (#""\u12G4""#, 1, "four hex digits"),
        (#""\"#, 1, "unterminated escape"),
        (#""ab\uD800""#, 3, "lone high surrogate"),
        (#""\uD800x""#, 1, "lone high surrogate"),
        (#""\uD800\u0041""#, 1, "lone high surrogate"),
        (#""\uD800\uD800""#, 1, "lone high surrogate"),
        (#""\uDC00""#, 1, "lone low surrogate"),
        (#""\uDE00\uD83D""#, 1, "lone low surrogate"),
        (#"{"a":1,"a":2}"#, 7, "duplicate object key \"a\""),
        (#"{"x":{"k":[],"k":{}}}"#, 13, "duplicate object key \"k\""),
        (#"{"\u0061":1,"a":2}"#, 12, "duplicate object key"),
    ]

    @Test("Malformed text is rejected at the offending byte", arguments: malformedText)
    func rejectsMalformedText(input: String, offset: Int, reason: String) {
        let error = failure(input)
        #expect(error?.offset == offset, "\(input.debugDescription): \(String(describing: error))")
        #expect(error?.reason.contains(reason) == true, "\(input.debugDescription): \(String(describing: error))")
    }

    /// Byte sequences that are not well-formed UTF-8 (Unicode Table 3-7), each inside a string.
    static let invalidUTF8: [[UInt8]] = [
        [0x80],  // lone continuation byte
        [0xC3, 0x28],  // lead byte without continuation
        [0xC0, 0x80],  // overlong NUL
        [0xC1, 0xBF],  // overlong ASCII
        [0xE0, 0x80, 0xAF],  // overlong 3-byte
        [0xED, 0xA0, 0x80],  // encoded surrogate U+D800
        [0xF0, 0x80, 0x80, 0xAF],  // overlong 4-byte
        [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
        [0xF5, 0x80, 0x80, 0x80],  // invalid lead byte
        [0xFF],
        [0xE2, 0x82],  // truncated sequence before the closing quote
        [0xE2, 0x82, 0x41],  // continuation replaced by ASCII
    ]

    @Test("Invalid UTF-8 inside strings is rejected at its first byte", arguments: invalidUTF8)
    func rejectsInvalidUTF8(sequence: [UInt8]) {
        let error = failure([0x22, 0x61] + sequence + [0x22])
        #expect(error?.offset == 2)
        #expect(error?.reason == "invalid UTF-8")
    }

    @Test("Truncated UTF-8 at the very end of input is rejected")
    func rejectsTruncatedUTF8AtEnd() {
        #expect(failure([0x22, 0xF0, 0x9F, 0x98])?.reason == "invalid UTF-8")
    }

    @Test("Bytes outside strings that are not JSON, including a byte-order mark, are rejected")
    func rejectsStrayBytes() {
        #expect(failure([0xEF, 0xBB, 0xBF, 0x31])?.offset == 0)
        #expect(failure([0x5B, 0xC3, 0xA9, 0x5D])?.reason == "expected a value, found byte 0xC3")
        #expect(failure("[\u{0}]")?.reason == "expected a value, found byte 0x00")
        #expect(failure("\u{a0}1")?.offset == 0)  // NBSP is not JSON whitespace
    }

    @Test("Error descriptions name the byte offset and the reason")
    func errorDescription() {
        let error = failure(#"{"alpha": 1, "beta" 2}"#)
        #expect(error?.description == "invalid JSON at byte 20: expected ':'")
        #expect(JSONParseError(offset: 17, reason: "expected ',' or '}'").description
            == "invalid JSON at byte 17: expected ',' or '}'")
    }

    @Test("Every kind of value parses, with insignificant whitespace anywhere it is allowed")
    func parsesAllKinds() throws {
        let value = try parse(" \n{ \"a\" : [ null , true , false , -12.5e1 , \"s\" , { } , [ ] ] }\r\n\t")
        #expect(value == ["a": [nil, true, false, -125, "s", [:], []]])
        #expect(try parse("null") == .null)
        #expect(try parse("\"\"") == "")
        #expect(try parse(" 7 ") == 7)
    }

    @Test("Numbers follow the JSON grammar and convert to the nearest Double")
    func parsesNumbers() throws {
        let cases: [(String, Double)] = [
            ("0", 0), ("-0", -0.0), ("1E2", 100), ("1e+2", 100), ("25e-1", 2.5), ("0.1", 0.1),
            ("123456789012345", 123_456_789_012_345), ("-999999999999999", -999_999_999_999_999),
            ("12345678901234567890", 1.2345678901234567e19), ("9007199254740993", 9_007_199_254_740_992),
            ("1.7976931348623157e308", .greatestFiniteMagnitude), ("5e-324", .leastNonzeroMagnitude),
            ("1e-400", 0), ("333333333.33333329", 333_333_333.333_333_3),
        ]
        for (text, expected) in cases {
            let value = try parse(text).numberValue
            #expect(value == expected, "\(text)")
            #expect(value?.sign == expected.sign, "\(text)")
        }
    }

    @Test("String escapes decode, including surrogate pairs and escaped NUL")
    func decodesEscapes() throws {
        #expect(try parse(#""\"\\\/\b\f\n\r\t""#) == "\"\\/\u{8}\u{c}\n\r\t")
        #expect(try parse(#""\u00e9\u00E9\u20AC""#) == "\u{e9}\u{e9}\u{20ac}")
        #expect(try parse(#""\ud83d\ude00 \uD834\uDD1E""#) == "\u{1f600} \u{1d11e}")
        #expect(try parse(#""a\u0000b""#) == "a\u{0}b")
        #expect(try parse(#""\uDBFF\uDFFF""#) == "\u{10ffff}")
        #expect(try parse("\"é€😀 raw\"") == "é€😀 raw")
        #expect(try parse(#"{"\u0061":1}"#) == ["a": 1])
    }

    @Test("Keys that differ only in Unicode normalization are rejected as duplicates, never merged")
    func normalizationDistinctKeys() throws {
        // A Swift Dictionary cannot hold both, so this must be an error rather than silent loss.
        #expect(failure(#"{"\u00e9":1,"e\u0301":2}"#)?.reason.contains("duplicate") == true)
        // Values keep their exact scalars (no normalization).
        #expect(try parse(#""e\u0301""#).stringValue?.unicodeScalars.count == 2)
    }

    @Test("Nesting up to maxDepth parses and one level more is rejected")
    func depthLimit() throws {
        let deepest = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(failure(deepest) == nil)
        let tooDeep = "[" + deepest + "]"
        #expect(failure(tooDeep)?.offset == 64)
        #expect(failure(tooDeep)?.reason == "nesting deeper than 64 levels")
        #expect(failure(#"{"a":{"b":1}}"#, maxDepth: 2) == nil)
        #expect(failure(#"{"a":{"b":[]}}"#, maxDepth: 2)?.offset == 10)
        #expect(failure("[]", maxDepth: 0)?.offset == 0)
        #expect(failure("1", maxDepth: 0) == nil)
        // Far beyond the limit still fails cleanly instead of exhausting the stack.
        #expect(failure(String(repeating: "[", count: 100_000))?.offset == 64)
    }

    @Test("Canonical text parses back to an equal value")
    func roundTrips() throws {
        let values: [JSONValue] = [
            nil, true, 0, -1.5, 1e-7, 1e21, .number(.greatestFiniteMagnitude), "", "ctl\u{1}\u{1f}\"\\/",
            ["nested": [["deep": ["x", 1, nil]]], "€": "😀", "": []],
        ]
        for value in values {
            #expect(try JSONParser.parse(value.canonicalBytes) == value, "\(value)")
        }
    }

    @Test("Any collection of bytes works and offsets are relative to its start")
    func acceptsNonArrayCollections() throws {
        let text = #"xx[1, "two", {"3": null}]"#
        let slice = Array(text.utf8)[2...]
        #expect(try JSONParser.parse(slice) == [1, "two", ["3": nil]])
        #expect(try JSONParser.parse(text.utf8.dropFirst(2)) == [1, "two", ["3": nil]])
        #expect(try JSONParser.parse(text.utf8.dropFirst(2).lazy.map { $0 }) == [1, "two", ["3": nil]])
        #expect(throws: JSONParseError.self) { try JSONParser.parse("[1,]".utf8.lazy.map { $0 }) }
        let bad = Array("xx[1 2]".utf8)[2...]
        do {
            _ = try JSONParser.parse(bad)
            Issue.record("expected a failure")
        } catch {
            #expect(error.offset == 3)
        }
    }
}
