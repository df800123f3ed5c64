import Foundation
import Yams

/// Reads typed values out of YAML nodes without YAML 1.1 surprises, with `file:line` errors.
///
/// Yams resolves plain scalars with YAML 1.1 rules, under which `5_000` and `0x10` are integers,
/// `1:30` is the sexagesimal integer 90, `.inf` is a float and `yes`/`no`/`on`/`off` are booleans.
/// Relay's configuration files (policies, regions) are security-relevant, so this reader accepts
/// only unambiguous forms and rejects everything else with a hint, instead of guessing:
///
/// - numbers: a plain (unquoted) scalar in JSON number syntax
///   `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, parsed from the scalar's own text;
/// - booleans: plain `true` or `false`;
/// - null: plain `null`, `~` or an empty value;
/// - strings: any quoted scalar, or a plain scalar that YAML does not resolve to another type.
public struct YAMLReader: Sendable {
    /// Path used in errors.
    public let file: String

    /// Creates a reader whose errors name `file`.
    public init(file: String) {
        self.file = file
    }

    /// A string value (quoted, or plain text that is not a number, boolean, null or timestamp).
    public func string(_ node: Node, path: String, expected: String = "a string") throws(ConfigFileError) -> String {
        guard case .scalar(let scalar) = node, Self.tagName(node) == Tag.Name.str else {
            var reason = "\(path): expected \(expected), got \(Self.describe(node))"
            if case .scalar(let scalar) = node, !scalar.string.isEmpty { reason += " (quote it to make it a string)" }
            throw error(node, reason)
        }
        return scalar.string
    }

    /// A number written in plain JSON number syntax.
    public func number(_ node: Node, path: String) throws(ConfigFileError) -> Double {
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

    /// A whole number in `range`, written as plain decimal digits.
    public func integer(_ node: Node, path: String, range: ClosedRange<Int>) throws(ConfigFileError) -> Int {
        let value = try number(node, path: path)
        guard case .scalar(let scalar) = node, let whole = Int(scalar.string) else {
            throw error(node, "\(path): expected a whole number, got \(Self.describe(node))")
        }
        guard range.contains(whole) else {
            throw error(node, "\(path): must be in \(range.lowerBound)...\(range.upperBound), got \(value.formatted)")
        }
        return whole
    }

    /// Any scalar as a JSON value: number, `true`/`false`, null or string.
    public func scalar(_ node: Node, path: String) throws(ConfigFileError) -> JSONValue {
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

    /// An ISO 8601 UTC instant with an explicit zone (`2026-01-01T00:00:00Z` or `…+02:00`),
    /// plain or quoted.
    public func timestamp(_ node: Node, path: String) throws(ConfigFileError) -> Timestamp {
        let tag = Self.tagName(node)
        guard case .scalar(let scalar) = node, tag == Tag.Name.str || tag == Tag.Name.timestamp else {
            throw error(node, "\(path): expected a date-time such as 2026-01-01T00:00:00Z, got \(Self.describe(node))")
        }
        let text = scalar.string
        let hasZone =
            text.hasSuffix("Z") || text.hasSuffix("z")
            || text.range(of: #"[Tt ][0-9:.]*[+-][0-9]{2}:?[0-9]{2}$"#, options: .regularExpression) != nil
        let value: Timestamp
        do {
            value = try Timestamp(iso8601: text)
        } catch {
            throw self.error(node, "\(path): \(error.reason) (expected e.g. 2026-01-01T00:00:00Z)")
        }
        guard hasZone else {
            throw self.error(node, "\(path): '\(text)' has no time zone; end it with Z (UTC), e.g. 2026-01-01T00:00:00Z")
        }
        return value
    }

    /// The error `reason` at `node`'s line.
    public func error(_ node: Node, _ reason: String) -> ConfigFileError {
        ConfigFileError(file: file, line: node.mark?.line, reason: reason)
    }
}

extension Double {
    /// Without a trailing ".0" for whole numbers (for messages).
    fileprivate var formatted: String {
        self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}
