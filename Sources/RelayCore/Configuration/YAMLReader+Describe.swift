import Yams

/// How nodes read in messages, and the strict number syntax.
extension YAMLReader {
    /// The resolved YAML tag of a node (explicit tags win, quoted scalars are strings).
    public static func tagName(_ node: Node) -> Tag.Name {
        Tag.Name(rawValue: node.tag.description)
    }

    /// How a node reads in an error message: "string 'x'", "number 5_000", "a list", …
    public static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            switch tagName(node) {
            case Tag.Name.str: return "string '\(scalar.string)'"
            case Tag.Name.int, Tag.Name.float: return "number \(scalar.string)"
            case Tag.Name.bool: return "boolean \(scalar.string)"
            case Tag.Name.null: return scalar.string.isEmpty ? "an empty value" : "null"
            case Tag.Name.timestamp: return "timestamp \(scalar.string)"
            default: return "'\(scalar.string)' (\(node.tag.description))"
            }
        }
    }

    /// JSON number syntax, checked byte by byte: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    public static func isDecimalNumber(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
            return i - start
        }
        if i < bytes.count, bytes[i] == 0x2D { i += 1 }  // '-'
        guard i < bytes.count else { return false }
        if bytes[i] == 0x30 {
            i += 1
        } else {
            guard digits() > 0 else { return false }
        }
        if i < bytes.count, bytes[i] == 0x2E {  // '.'
            i += 1
            guard digits() > 0 else { return false }
        }
        if i < bytes.count, bytes[i] == 0x65 || bytes[i] == 0x45 {  // 'e' / 'E'
            i += 1
            if i < bytes.count, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == bytes.count
    }
}
