import Testing

@testable import RelayCore
import RelayTestSupport

/// `CanonicalJSONCheck` must say yes exactly when parsing and re-serialising gives the same bytes:
/// compared with that reference on hand-picked spellings and on many generated and mutated texts.
struct CanonicalJSONCheckTests {
    /// The definition the check replaces.
    static func reference(_ bytes: [UInt8]) -> Bool {
        guard let value = try? JSONParser.parse(bytes) else { return false }
        return CanonicalJSON.bytes(value) == bytes
    }

    static func check(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer(CanonicalJSONCheck.isCanonical)
    }

    static func expectAgrees(_ bytes: [UInt8], _ comment: @autoclosure () -> String = "") {
        let expected = reference(bytes)
        #expect(check(bytes) == expected, "\(String(decoding: bytes, as: UTF8.self).debugDescription) \(comment())")
    }

    @Test("Hand-picked spellings: numbers, escapes, Unicode, key order, whitespace, duplicates")
    func handPicked() {
        let canonical = [
            "0", "-1", "123456789012345", "9007199254740992", "1.5", "-0.000001", "1e+21", "5e-324", "1e-7",
            #""""#, #""a\"b\\c""#, #""\b\t\n\f\r""#, #""\u0000\u001f\u000b""#, #""/""#, "\"\u{7f}\"", #""é😀""#,
            "true", "false", "null", "[]", "{}", #"[1,[2,{}]]"#, #"{"a":1,"b":2}"#, #"{"":0,"a":0}"#,
            #"{"a":0,"a\u0000":1}"#, #"{"\u0000":0,"a":1}"#, #"{"\b":0,"\"":1}"#,
            "{\"\u{D7FF}\":0,\"\u{10000}\":1,\"\u{E000}\":2,\"\u{FFFF}\":3}",
            "{\"K\":1,\"é\":2}", "\"e\u{301}\"",
        ]
        let notCanonical = [
            "", " 0", "0 ", "-0", "01", "1.0", "1e0", "1E+21", "10e1", "0.1e1", "9007199254740993", "1e400", "1.", ".5", "+1",
            "-", "1e", #""\/""#, #""\u0041""#, #""\u001F""#, #""\u000a""#, #""\u0008""#, "\"\u{01}\"", #""\x""#, #""abc"#,
            "tru", "nul", "[1,]", "[,1]", "[1 ]", "{\"a\":1,}", "{\"b\":1,\"a\":2}", "{\"a\":1,\"a\":2}", "{\"a\" :1}",
            "{a:1}", "{\"a\":1}x", "[1]]", "{\"\u{E000}\":0,\"\u{10000}\":1}",
            // Different bytes, the same String to Swift: duplicates to the parser.
            "{\"K\":1,\"\u{212A}\":2}", "{\"e\u{301}\":1,\"é\":2}",
        ]
        for text in canonical {
            Self.expectAgrees(Array(text.utf8))
            #expect(Self.check(Array(text.utf8)), "\(text.debugDescription) is canonical")
        }
        for text in notCanonical {
            Self.expectAgrees(Array(text.utf8))
            #expect(!Self.check(Array(text.utf8)), "\(text.debugDescription) is not canonical")
        }
        // Bytes no String holds: invalid UTF-8, encoded surrogates, overlong forms.
        for raw: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0x22, 0xC3, 0x22]] {
            Self.expectAgrees(raw)
        }
    }

    @Test("Nesting is limited as the parser limits it (64 levels)")
    func depth() {
        for levels in [63, 64, 65] {
            Self.expectAgrees(Array((String(repeating: "[", count: levels) + String(repeating: "]", count: levels)).utf8))
            Self.expectAgrees(Array((String(repeating: "{\"a\":", count: levels) + "0" + String(repeating: "}", count: levels)).utf8))
        }
    }

    @Test("Generated values are canonical as written, and their mutations agree with the reference")
    func generatedAndMutated() {
        var random = SplitMix64(seed: 8785)
        let generator = Generator()
        for round in 0..<3_000 {
            let value = generator.value(&random, depth: 0)
            let text = CanonicalJSON.bytes(value)
            #expect(Self.check(text), "\(String(decoding: text, as: UTF8.self).debugDescription) round \(round)")
            for _ in 0..<12 {
                Self.expectAgrees(Self.mutate(text, &random), "round \(round)")
            }
        }
    }

    @Test("A body the quick check passes is one ChainChecker's full check finds nothing wrong with")
    func objectWithSubject() {
        func quick(_ text: String, _ subject: String) -> Bool {
            Array(text.utf8).withUnsafeBufferPointer { CanonicalJSONCheck.isCanonicalObject($0, member: "seal_id", is: subject) }
        }
        #expect(quick(#"{"a":[1],"seal_id":"s-1"}"#, "s-1"))
        #expect(!quick(#"{"a":[1],"seal_id":"s-2"}"#, "s-1"))
        #expect(!quick(#"{"a":{"seal_id":"s-1"}}"#, "s-1"), "a nested member is not the subject")
        #expect(!quick(#"{"seal_id":1}"#, "1"))
        #expect(!quick(#"{"seal_id":"a\"b"}"#, #"a\"b"#), "an escaped spelling is not the subject's bytes")
        #expect(!quick(#"["seal_id","s-1"]"#, "s-1"))
        #expect(!quick(#"{"seal_id":"s-1","a":1}"#, "s-1"), "keys out of order")
    }

    // MARK: Generation

    /// Random JSON values whose strings, keys and numbers lean towards the cases canonical form
    /// is strict about.
    struct Generator {
        let scalars: [String] = [
            "a", "b", "z", "A", "K", "0", " ", "/", "\"", "\\", "\u{0}", "\u{8}", "\u{9}", "\u{a}", "\u{b}", "\u{c}", "\u{d}",
            "\u{1f}", "\u{7f}", "\u{80}", "é", "e\u{301}", "\u{212A}", "\u{D7FF}", "\u{E000}", "\u{FFFF}", "😀", "\u{10FFFF}",
        ]
        let numbers: [Double] = [
            0, -0.0, 1, -1, 0.5, 1e21, 1e-7, 1e-6, 123456789012345, 1234567890123456, 9007199254740992, 9007199254740994,
            .leastNonzeroMagnitude, .greatestFiniteMagnitude, 333333333.3333332, 100, 1e100,
        ]

        func string(_ random: inout SplitMix64, maxLength: Int) -> String {
            (0..<random.below(maxLength + 1)).map { _ in random.pick(scalars) }.joined()
        }

        func number(_ random: inout SplitMix64) -> Double {
            switch random.below(4) {
            case 0: return random.pick(numbers)
            case 1: return Double(Int64.random(in: -1_000_000...1_000_000, using: &random))
            case 2: return Double(Int64.random(in: -(1 << 60)...(1 << 60), using: &random))
            default:
                let bits = Double(bitPattern: random.next())
                return bits.isFinite ? bits : 1.5
            }
        }

        func value(_ random: inout SplitMix64, depth: Int) -> JSONValue {
            switch random.below(depth > 3 ? 6 : 9) {
            case 0: return .null
            case 1: return .bool(random.below(2) == 0)
            case 2, 3: return .number(number(&random))
            case 4, 5: return .string(string(&random, maxLength: 6))
            case 6: return .array((0..<random.below(4)).map { _ in value(&random, depth: depth + 1) })
            default:
                var members: [String: JSONValue] = [:]
                for _ in 0..<random.below(5) { members[string(&random, maxLength: 3)] = value(&random, depth: depth + 1) }
                return .object(members)
            }
        }
    }

    /// Bytes that matter to the grammar, to escapes, to numbers and to UTF-8.
    static let interesting: [[UInt8]] = [
        " ", "\"", "\\", ",", ":", "{", "}", "[", "]", "0", "1", "9", "-", "+", ".", "e", "E", "u", "n", "t", "a", "K", "/",
        "\\u00", "\\u0000", "\\n", "\\u000a", "\\/", "1.0", "e1", "00", "\u{212A}", "é", "\u{E000}", "😀",
    ].map { Array($0.utf8) } + [[0x80], [0xC3], [0xED, 0xA0, 0x80], [0xFF], [0x0A], [0x00]]

    /// One random edit of `text`: insert, delete, replace, duplicate or swap a stretch.
    static func mutate(_ text: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var out = text
        let at = random.below(out.count + 1)
        switch random.below(6) {
        case 0:
            out.insert(contentsOf: random.pick(interesting), at: at)
        case 1 where !out.isEmpty:
            out.removeSubrange(min(at, out.count - 1)..<min(out.count, at + 1 + random.below(3)))
        case 2 where !out.isEmpty:
            out.replaceSubrange(min(at, out.count - 1)..<min(out.count, at + 1), with: random.pick(interesting))
        case 3:
            let end = min(out.count, at + random.below(12))
            out.insert(contentsOf: out[at..<end], at: end)
        case 4:
            let mid = min(out.count, at + random.below(8)), end = min(out.count, mid + random.below(8))
            out.replaceSubrange(at..<end, with: out[mid..<end] + out[at..<mid])
        default:
            // Flip the case of a hex digit or a letter: escapes and exponents are case-sensitive.
            if let k = out.indices.filter({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(out[$0]) }).randomElement(using: &random) {
                out[k] -= 32
            }
        }
        return out
    }
}
