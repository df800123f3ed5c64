/// One field of a record kind as storage sees it: the body member and column (same name),
/// its type, and whether it may be null.
public struct FieldSpec: Sendable, Hashable, CustomStringConvertible {
    /// Member name in the body, and column name in the record's table.
    public let name: String
    /// The value's JSON form and column type.
    public let type: FieldType
    /// Null in the body, NULL in the column.
    public let isOptional: Bool

    /// Creates a spec. `name` must be a lower-case SQL identifier (`[a-z][a-z0-9_]*`): it is
    /// spliced into generated SQL, so nothing else may ever get there.
    public init(name: String, type: FieldType, isOptional: Bool) {
        precondition(Self.isIdentifier(name), "field name '\(name)' is not a lower-case SQL identifier")
        self.name = name
        self.type = type
        self.isOptional = isOptional
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, (97...122).contains(first) else { return false }
        return name.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
    }

    /// What a value of this field looks like, for error messages ("a timestamp or null").
    public var description: String {
        let what: String =
            switch type {
            case .text: "a string"
            case .uuid: "a UUID string"
            case .timestamp: "a timestamp string (YYYY-MM-DDTHH:MM:SS.ffffffZ)"
            case .boolean: "true or false"
            case .double: "a number"
            case .object: "an object"
            case .bytes: "a base64 string"
            }
        return isOptional ? what + " or null" : what
    }
}
