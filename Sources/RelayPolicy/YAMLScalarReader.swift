import RelayCore
import Yams

/// Reads typed values out of YAML scalars without YAML 1.1 surprises.
///
/// Yams resolves plain scalars with YAML 1.1 rules, under which `5_000` and `0x10` are integers,
/// `1:30` is the sexagesimal integer 90, `.inf` is a float and `yes`/`no`/`on`/`off` are booleans.
/// Policy files are security-relevant and are also compiled to Rego, so this reader accepts only
/// unambiguous forms and rejects everything else with a hint, instead of guessing:
///
/// - numbers: a plain (unquoted) scalar in JSON number syntax
///   `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, parsed from the scalar's own text;
/// - booleans: plain `true` or `false`;
/// - null: plain `null`, `~` or an empty value;
/// - strings: any quoted scalar, or a plain scalar that YAML does not resolve to another type.
struct YAMLScalarReader {
    let file: String

    /// A string value (quoted, or plain text that is not a number, boolean, null or timestamp).
    func string(_ node: Node, path: String, expected: String = "a string") throws(PolicyLoadError) -> String {
        guard case .scalar(let scalar) = node, Self.tagName(node) == Tag.Name.str else {
            var reason = "\(path): expected \(expected), got \(Self.describe(node))"
            if case .scalar(let scalar) = node, !scalar.string.isEmpty { reason += " (quote it to make it a string)" }
            throw error(node, reason)
        }
        return scalar.string
    }

    /// A number written in plain JSON number syntax.
    func number(_ node: Node, path: String) throws(PolicyLoadError) -> Double {
        guard case .scalar(let scalar) = node else {
            throw error(node, "\(path): expected a number, got \(Self.describe(node))")
        }
        let tag = Self.tagName(node)
        guard tag == Tag.Name.int || tag == Tag.Name.float else {
            throw error(node, "\(path): expected a number, got \(Self.describe(node))")
        }
        guard Self.isDecimalNumber(scalar.string), let value = Double(scalar.string), value.isFinite else {
            throw error(
                node,
                "\(path): '\(scalar.string)' is not a plain decimal number "
                    + "(write digits with an optional '-', fraction and exponent, e.g. 5000 or 12.5; "
                    + "YAML 1.1 forms such as 5_000, 0x10, 1:30 or .inf are not accepted)")
        }
        return value
    }

    /// Any scalar as a JSON value: number, `true`/`false`, null or string.
    func scalar(_ node: Node, path: String) throws(PolicyLoadError) -> JSONValue {
        guard case .scalar(let scalar) = node else {
            throw error(node, "\(path): expected a scalar (string, number, boolean or null), got \(Self.describe(node))")
        }
        switch Self.tagName(node) {
        case Tag.Name.str:
            return .string(scalar.string)
        case Tag.Name.int, Tag.Name.float:
            return .number(try number(node, path: path))
        case Tag.Name.null:
            return .null
        case Tag.Name.bool:
            if scalar.string == "true" { return .bool(true) }
            if scalar.string == "false" { return .bool(false) }
            throw error(
                node,
                "\(path): '\(scalar.string)' is ambiguous (a YAML 1.1 boolean); write true or false, "
                    + "or quote it to make it a string")
        default:
            throw error(node, "\(path): '\(scalar.string)' is ambiguous; quote it to make it a string")
        }
    }

    /// The resolved YAML tag of a node (explicit tags win, quoted scalars are strings).
    static func tagName(_ node: Node) -> Tag.Name {
        Tag.Name(rawValue: node.tag.description)
    }

    /// How a node reads in an error message: "string 'x'", "number 5_000", "a list", …
    static func describe(_ node: Node) -> String {
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
    static func isDecimalNumber(_ text: String) -> Bool {
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

    private func error(_ node: Node, _ reason: String) -> PolicyLoadError {
        PolicyLoadError(file: file, line: node.mark?.line, reason: reason)
    }
}
