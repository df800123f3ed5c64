import Hummingbird
import RelayCore

/// Typed access to a JSON object body that collects every problem into one 422
/// (the same `loc/msg/type` shape as manifest validation).
struct BodyReader {
    let object: [String: JSONValue]
    private(set) var errors: [FieldError] = []

    /// Reads and parses the body; it must be a JSON object.
    static func read(_ request: Request, limit: Int) async throws -> BodyReader {
        let body = try await request.jsonBody(limit: limit)
        guard let object = body.objectValue else {
            throw APIError.validation([FieldError(loc: ["body"], msg: "value is not a valid object (got \(body.typeName))", type: "type_error.dict")])
        }
        return BodyReader(object: object)
    }

    /// A string field of `min...max` characters; nil (and an error) when missing or invalid,
    /// nil without error when optional and absent.
    mutating func string(_ name: String, length: ClosedRange<Int>, required: Bool = true) -> String? {
        guard let value = object[name], !value.isNull else {
            if required { errors.append(FieldError(loc: ["body", name], msg: "field required", type: "value_error.missing")) }
            return nil
        }
        guard let s = value.stringValue else {
            errors.append(FieldError(loc: ["body", name], msg: "value is not a valid string (got \(value.typeName))", type: "type_error.str"))
            return nil
        }
        guard !s.utf8.contains(0) else {
            errors.append(FieldError(loc: ["body", name], msg: "NUL characters (\\u0000) are not allowed", type: "value_error.str.nul"))
            return nil
        }
        guard length.contains(s.count) else {
            errors.append(FieldError(
                loc: ["body", name], msg: "ensure this value has \(length.lowerBound) to \(length.upperBound) characters",
                type: s.count < length.lowerBound ? "value_error.any_str.min_length" : "value_error.any_str.max_length"))
            return nil
        }
        return s
    }

    /// Throws the collected 422, if any.
    func check() throws {
        if !errors.isEmpty { throw APIError.validation(errors) }
    }
}
