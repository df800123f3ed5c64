/// One field of a record type: its member/column name, its codec, and the property it maps to.
public struct RecordField<Record>: Sendable {
    /// Name, type and nullability: all storage needs to know.
    public let spec: FieldSpec
    let encode: @Sendable (Record) -> JSONValue
    /// Sets the property from `json`; false when `json` is not a value of the field.
    let decode: @Sendable (inout Record, JSONValue) -> Bool

    /// The field `name`, stored in `property`, written as `codec` writes it.
    public init<Value>(_ name: String, _ property: WritableKeyPath<Record, Value> & Sendable, _ codec: FieldCodec<Value>) {
        spec = FieldSpec(name: name, type: codec.type, isOptional: codec.isOptional)
        encode = { codec.encode($0[keyPath: property]) }
        decode = { record, json in
            guard let value = codec.decode(json) else { return false }
            record[keyPath: property] = value
            return true
        }
    }
}
