import Testing

@testable import RelayCore
import RelayTestSupport

struct CanonicalJSONTests {
    /// RFC 8785 Appendix B: IEEE-754 bit patterns and the JCS text for each.
    static let appendixB: [(UInt64, String)] = [
        (0x0000_0000_0000_0000, "0"),
        (0x8000_0000_0000_0000, "0"),
        (0x0000_0000_0000_0001, "5e-324"),
        (0x8000_0000_0000_0001, "-5e-324"),
        (0x7FEF_FFFF_FFFF_FFFF, "1.7976931348623157e+308"),
        (0xFFEF_FFFF_FFFF_FFFF, "-1.7976931348623157e+308"),
        (0x4340_0000_0000_0000, "9007199254740992"),
        (0xC340_0000_0000_0000, "-9007199254740992"),
        (0x4430_0000_0000_0000, "295147905179352830000"),
        (0x44B5_2D02_C7E1_4AF5, "9.999999999999997e+22"),
        (0x44B5_2D02_C7E1_4AF6, "1e+23"),
        (0x44B5_2D02_C7E1_4AF7, "1.0000000000000001e+23"),
        (0x444B_1AE4_D6E2_EF4E, "999999999999999700000"),
        (0x444B_1AE4_D6E2_EF4F, "999999999999999900000"),
        (0x444B_1AE4_D6E2_EF50, "1e+21"),
        (0x3EB0_C6F7_A0B5_ED8C, "9.999999999999997e-7"),
        (0x3EB0_C6F7_A0B5_ED8D, "0.000001"),
        (0x41B3_DE43_5555_5553, "333333333.3333332"),
        (0x41B3_DE43_5555_5554, "333333333.33333325"),
        (0x41B3_DE43_5555_5555, "333333333.3333333"),
        (0x41B3_DE43_5555_5556, "333333333.3333334"),
        (0x41B3_DE43_5555_5557, "333333333.33333343"),
        (0xBECB_F647_612F_3696, "-0.0000033333333333333333"),
        (0x4314_3FF3_C1CB_0959, "1424953923781206.2"),
    ]

    @Test("Numbers are spelled exactly as in the RFC 8785 Appendix B table", arguments: appendixB)
    func numbersMatchAppendixB(bits: UInt64, expected: String) {
        #expect(CanonicalJSON.serialize(number: Double(bitPattern: bits)) == expected)
    }

    @Test("Numbers switch between plain, fractional and exponent forms at the ECMAScript boundaries")
    func numberFormBoundaries() {
        let cases: [(Double, String)] = [
            (1, "1"), (-1, "-1"), (100, "100"), (0.5, "0.5"), (-1.5, "-1.5"), (0.1, "0.1"),
            (1e20, "100000000000000000000"), (1e21, "1e+21"), (1.5e21, "1.5e+21"),
            // Above 2^53 ECMAScript pads the shortest digits with zeros rather than printing the exact integer.
            (0x1p60, "1152921504606847000"), (1.2345678901234568e20, "123456789012345680000"),
            (1e-6, "0.000001"), (1.5e-6, "0.0000015"), (1e-7, "1e-7"), (1.25e-7, "1.25e-7"),
            (123.456, "123.456"), (1e300, "1e+300"), (-2.5e-300, "-2.5e-300"),
            (4.5, "4.5"), (0.002, "0.002"), (1e30, "1e+30"), (1e-27, "1e-27"),
            (Double.leastNormalMagnitude, "2.2250738585072014e-308"),
        ]
        for (value, expected) in cases {
            #expect(CanonicalJSON.serialize(number: value) == expected, "\(value)")
        }
    }

    @Test("Negative zero serializes as 0")
    func negativeZero() {
        #expect(CanonicalJSON.serialize(number: -0.0) == "0")
        #expect(JSONValue.number(-0.0).canonicalString == "0")
    }

    @Test("Serialized numbers parse back to the identical Double")
    func numbersRoundTrip() {
        var random = SplitMix64(seed: 8785)
        for _ in 0..<20_000 {
            let value = Double(bitPattern: random.next())
            guard value.isFinite else { continue }
            let text = CanonicalJSON.serialize(number: value)
            #expect(Double(text) == value || (value == 0 && Double(text) == 0), "\(text)")
        }
    }

    @Test("Object members are sorted by UTF-16 code units as in RFC 8785 §3.2.3")
    func rfcSortingExample() throws {
        let input = #"""
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """#
        let expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\","
            + "\"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\","
            + "\"\u{1f600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        #expect(try JSONParser.parse(Array(input.utf8)).canonicalString == expected)
    }

    @Test("The RFC 8785 §3.2.2 example canonicalizes to its published output")
    func rfcValuesExample() throws {
        let input = #"""
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """#
        let expected = #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"#
            + #""string":"€$\u000f\nA'B\"\\\\\"/"}"#
        let value = try JSONParser.parse(Array(input.utf8))
        #expect(value.canonicalString == expected)
        #expect(value.canonicalBytes == Array(expected.utf8))
        #expect(CanonicalJSON.bytes(value) == value.canonicalBytes)
    }

    @Test("Only quote, backslash and C0 controls are escaped, with short forms where they exist")
    func stringEscaping() {
        var controls = ""
        for code in 0..<0x20 { controls.unicodeScalars.append(Unicode.Scalar(UInt8(code))) }
        let expected = #""\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f"#
            + #"\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f""#
        #expect(JSONValue.string(controls).canonicalString == expected)
        #expect(JSONValue.string("a\"b\\c/d").canonicalString == #""a\"b\\c/d""#)
        // DEL, C1 controls, U+2028 and astral scalars stay raw UTF-8.
        let raw = "\u{7f}\u{80}\u{9f}\u{2028}\u{2029}é😀"
        #expect(JSONValue.string(raw).canonicalBytes == [0x22] + Array(raw.utf8) + [0x22])
    }

    @Test("Containers have no whitespace and nested objects are sorted too")
    func nestedContainers() {
        let value: JSONValue = ["b": [1, "x", ["z": nil, "a": true]], "a": [:], "c": []]
        #expect(value.canonicalString == #"{"a":{},"b":[1,"x",{"a":true,"z":null}],"c":[]}"#)
        #expect(JSONValue.array([]).canonicalString == "[]")
        #expect(JSONValue.object([:]).canonicalString == "{}")
    }

    @Test("Key order agrees with comparing UTF-16 code unit arrays, including prefixes")
    func keyOrderMatchesUTF16() {
        let alphabet: [Unicode.Scalar] = ["\0", "\r", "1", "A", "a", "\u{7f}", "\u{80}", "\u{f6}", "\u{d7ff}",
                                          "\u{e000}", "\u{fb33}", "\u{ffff}", "\u{10000}", "\u{1f600}", "\u{10ffff}"]
        var random = SplitMix64(seed: 42)
        func randomKey() -> String {
            var key = String.UnicodeScalarView()
            for _ in 0..<Int(random.next() % 4) { key.append(alphabet[Int(random.next() % UInt64(alphabet.count))]) }
            return String(key)
        }
        for _ in 0..<5_000 {
            let lhs = randomKey(), rhs = randomKey()
            #expect(CanonicalJSON.utf16Precedes(lhs, rhs) == lhs.utf16.lexicographicallyPrecedes(rhs.utf16), "\(lhs.debugDescription) \(rhs.debugDescription)")
        }
    }

    @Test("Canonical output is a fixed point of parse then canonicalize")
    func canonicalFixedPoint() throws {
        let value: JSONValue = ["€": [1.5, -0.0, 1e21, .number(.leastNonzeroMagnitude)], "\u{1f600}": "a\u{0}b", "\u{fb33}": [nil, false]]
        let once = value.canonicalBytes
        let reparsed = try JSONParser.parse(once)
        #expect(reparsed == value)
        #expect(reparsed.canonicalBytes == once)
    }
}
