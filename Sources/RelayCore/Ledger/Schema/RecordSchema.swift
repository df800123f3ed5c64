/// The fields of one record type, declared once. It writes the type's ledger body and reads it
/// back; RelayStore generates from its `specs` every statement that stores, materialises or
/// verifies the record's rows, so the body and the columns cannot drift apart.
public struct RecordSchema<Record: Sendable>: Sendable {
    /// The fields, in the order of the table's columns.
    public let fields: [RecordField<Record>]
    /// The value decoding starts from. Every field overwrites it, and a record property that no
    /// field maps keeps its blank value, which the schema tests catch.
    public let blank: Record

    /// A schema of `fields` (names unique).
    public init(blank: Record, fields: [RecordField<Record>]) {
        precondition(Set(fields.map(\.spec.name)).count == fields.count, "duplicate field names")
        self.blank = blank
        self.fields = fields
    }

    /// Each field's name, type and nullability, in declaration order.
    public var specs: [FieldSpec] { fields.map(\.spec) }

    /// The record as a JSON object with one member per field.
    public func encode(_ record: Record) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: fields.map { ($0.spec.name, $0.encode(record)) }))
    }

    /// The record an object written by `encode` holds. Unknown members are ignored (later
    /// versions may add some); a missing member reads as null, which only optional fields accept.
    public func decode(_ json: JSONValue, at path: String = "") throws(RecordBodyError) -> Record {
        guard let members = json.objectValue else { throw RecordBodyError(path: path, reason: "not an object") }
        var record = blank
        for field in fields {
            guard field.decode(&record, members[field.spec.name] ?? .null) else {
                let member = path.isEmpty ? field.spec.name : "\(path).\(field.spec.name)"
                throw RecordBodyError(path: member, reason: "expected \(field.spec)")
            }
        }
        return record
    }
}
