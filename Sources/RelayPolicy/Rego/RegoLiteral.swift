import RelayCore

/// Rego spellings of JSON values.
///
/// Rego string literals are JSON string literals, so strings are written as JSON with every
/// character outside printable ASCII escaped (`\uXXXX`, surrogate pairs above U+FFFF): the
/// generated module is pure ASCII, whatever the policy's text, and no input can end a string
/// early or smuggle Rego in.
enum RegoLiteral {
    /// A JSON/Rego string literal in printable ASCII.
    static func string(_ text: String) -> String {
        var out = "\""
        for unit in text.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default: out += "\\u" + hex4(unit)
            }
        }
        return out + "\""
    }

    /// A number in JSON syntax (ECMAScript form, as RFC 8785 writes it, e.g. `5000`, `0.5`, `1e+300`).
    static func number(_ value: Double) -> String {
        CanonicalJSON.serialize(number: value)
    }

    /// Any JSON value as a Rego term.
    static func value(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return self.number(number)
        case .string(let text): return string(text)
        case .array(let items): return "[" + items.map(self.value).joined(separator: ", ") + "]"
        case .object(let members):
            let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            return "{" + sorted.map { string($0.key) + ": " + self.value($0.value) }.joined(separator: ", ") + "}"
        }
    }

    /// Text safe inside a `#` comment: printable ASCII only, anything else becomes `?`.
    static func comment(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" })
    }

    private static func hex4(_ unit: UInt16) -> String {
        let digits = String(unit, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
