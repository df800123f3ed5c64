/// One schema problem in a request, reported in a 422 response as `{loc, msg, type}`
/// (the shape FastAPI-based Relay clients already parse).
public struct FieldError: Sendable, Equatable, Error {
    /// Path to the offending field, starting with "body" or "query".
    public var loc: [String]
    /// What is wrong, for a human.
    public var msg: String
    /// Machine-readable category, e.g. `value_error.missing`, `type_error.string`.
    public var type: String

    /// Creates a field error.
    public init(loc: [String], msg: String, type: String) {
        self.loc = loc
        self.msg = msg
        self.type = type
    }

    /// JSON form.
    public var jsonValue: JSONValue {
        .object(["loc": .array(loc.map { .string($0) }), "msg": .string(msg), "type": .string(type)])
    }
}

/// Every field problem found in one request (the failure of `ManifestValidator.validate`).
public struct ValidationFailure: Error, Sendable, Equatable {
    /// The problems, in the order found.
    public var errors: [FieldError]

    /// Wraps `errors`.
    public init(_ errors: [FieldError]) { self.errors = errors }
}
