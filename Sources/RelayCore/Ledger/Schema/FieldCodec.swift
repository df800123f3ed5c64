import Foundation

/// How a Swift value is written as a body member and read back. The codecs are the only place
/// that decides a field's JSON form; `FieldType` names the same decision for storage.
public struct FieldCodec<Value>: Sendable {
    /// The field type this codec writes.
    public let type: FieldType
    /// True when null is a value (`optional(_:)`).
    public let isOptional: Bool
    let encode: @Sendable (Value) -> JSONValue
    /// nil when `json` is not a value of this codec.
    let decode: @Sendable (JSONValue) -> Value?

    init(type: FieldType, isOptional: Bool = false, encode: @escaping @Sendable (Value) -> JSONValue,
         decode: @escaping @Sendable (JSONValue) -> Value?) {
        self.type = type
        self.isOptional = isOptional
        self.encode = encode
        self.decode = decode
    }

    /// `codec`'s values, or null.
    public static func optional<Wrapped>(_ codec: FieldCodec<Wrapped>) -> FieldCodec<Wrapped?> where Value == Wrapped? {
        FieldCodec<Wrapped?>(
            type: codec.type, isOptional: true, encode: { $0.map(codec.encode) ?? .null },
            decode: { json in json.isNull ? .some(nil) : codec.decode(json).map(Optional.some) })
    }
}

extension FieldCodec where Value == String {
    /// A string.
    public static var text: Self { Self(type: .text, encode: { .string($0) }, decode: { $0.stringValue }) }

    /// A UUID, kept as the string it was written as (lower-case).
    public static var uuid: Self {
        Self(type: .uuid, encode: { .string($0) }, decode: { json in json.stringValue.flatMap { UUID(uuidString: $0) == nil ? nil : $0 } })
    }
}

extension FieldCodec where Value == Timestamp {
    /// An instant, in the fixed six-digit UTC form.
    public static var timestamp: Self {
        Self(type: .timestamp, encode: { .string($0.iso8601) }, decode: { json in json.stringValue.flatMap { try? Timestamp(iso8601: $0) } })
    }
}

extension FieldCodec where Value == Bool {
    /// A boolean.
    public static var boolean: Self { Self(type: .boolean, encode: { .bool($0) }, decode: { $0.boolValue }) }
}

extension FieldCodec where Value == Double {
    /// A number.
    public static var double: Self { Self(type: .double, encode: { .number($0) }, decode: { $0.numberValue }) }
}

extension FieldCodec where Value == [String: JSONValue] {
    /// A JSON object.
    public static var object: Self { Self(type: .object, encode: { .object($0) }, decode: { $0.objectValue }) }
}

extension FieldCodec where Value == [UInt8] {
    /// Bytes, as base64.
    public static var bytes: Self {
        Self(type: .bytes, encode: { .string(Base64.encode($0)) }, decode: { json in json.stringValue.flatMap(Base64.decode) })
    }
}
