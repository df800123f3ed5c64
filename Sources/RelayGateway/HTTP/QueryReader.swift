import Hummingbird
import RelayCore

/// Typed query-string access that collects every problem into one 422.
struct QueryReader {
    let request: Request
    private(set) var errors: [FieldError] = []

    init(_ request: Request) { self.request = request }

    /// The parameter's value; nil when absent or empty. A NUL character is a 422 (PostgreSQL
    /// cannot compare text containing it).
    mutating func string(_ name: String) -> String? {
        guard let v = request.uri.queryParameters.get(name), !v.isEmpty else { return nil }
        guard !v.utf8.contains(0) else {
            errors.append(FieldError(loc: ["query", name], msg: "NUL characters (\\u0000) are not allowed", type: "value_error.str.nul"))
            return nil
        }
        return v
    }

    mutating func required(_ name: String) -> String? {
        guard let v = string(name) else {
            guard !errors.contains(where: { $0.loc == ["query", name] }) else { return nil }
            errors.append(FieldError(loc: ["query", name], msg: "field required", type: "value_error.missing"))
            return nil
        }
        return v
    }

    mutating func int(_ name: String, default fallback: Int, range: ClosedRange<Int>) -> Int {
        guard let raw = string(name) else { return fallback }
        guard let v = Int(raw) else {
            errors.append(FieldError(loc: ["query", name], msg: "value is not a valid integer", type: "type_error.integer"))
            return fallback
        }
        guard range.contains(v) else {
            let bound = range.upperBound == Int.max ? "≥ \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
            errors.append(FieldError(loc: ["query", name], msg: "ensure this value is \(bound)", type: "value_error.number.range"))
            return fallback
        }
        return v
    }

    mutating func bool(_ name: String, default fallback: Bool) -> Bool {
        guard let raw = string(name)?.lowercased() else { return fallback }
        switch raw {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default:
            errors.append(FieldError(loc: ["query", name], msg: "value could not be parsed to a boolean", type: "type_error.bool"))
            return fallback
        }
    }

    /// Throws the collected 422, if any.
    func check() throws {
        if !errors.isEmpty { throw APIError.validation(errors) }
    }
}
