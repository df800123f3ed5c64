import Foundation
import PostgresNIO
import RelayCore

/// The SQL forms of a field: its column type, the column value from a body member (bound by the
/// gateway; read out of the body by replicas) and the member read back from the column
/// (verification). Only the field's name, a static identifier, is ever spliced into SQL.
extension FieldSpec {
    /// The column's type as `information_schema.columns.data_type` names it.
    var columnType: String {
        switch type {
        case .text: "text"
        case .uuid: "uuid"
        case .timestamp: "timestamp with time zone"
        case .boolean: "boolean"
        case .double: "double precision"
        case .object: "jsonb"
        case .bytes: "bytea"
        }
    }

    /// SQL reading this member of the jsonb `object` as the column's value (JSON null → NULL).
    func value(in object: String) -> String {
        let text = "\(object)->>'\(name)'"
        switch type {
        case .text: return text
        case .uuid: return "(\(text))::uuid"
        case .timestamp: return "(\(text))::timestamptz"
        case .boolean: return "(\(text))::boolean"
        case .double: return "(\(text))::float8"
        // `->` keeps a JSON null as jsonb 'null'; the column wants SQL NULL.
        case .object: return isOptional ? "nullif(\(object)->'\(name)', 'null'::jsonb)" : "\(object)->'\(name)'"
        case .bytes: return "decode(\(text), 'base64')"
        }
    }

    /// Binds the column value of body member `value` and returns its SQL (a typed placeholder).
    /// Throws when `value` is not a value of this field.
    func placeholder(for value: JSONValue, in statement: inout BoundStatement) throws -> String {
        let mismatch = RecordBodyError(path: name, reason: "expected \(self)")
        if value.isNull {
            guard isOptional else { throw mismatch }
            let placeholder = try statement.bind(String?.none)
            return statement.spells ? placeholder + "::" + columnType : ""
        }
        let placeholder: String
        switch type {
        case .text, .uuid, .timestamp:
            guard let s = value.stringValue else { throw mismatch }
            placeholder = try statement.bind(s)
        case .boolean:
            guard let b = value.boolValue else { throw mismatch }
            placeholder = try statement.bind(b)
        case .double:
            guard let d = value.numberValue else { throw mismatch }
            placeholder = try statement.bind(d)
        case .object:
            guard value.objectValue != nil else { throw mismatch }
            placeholder = try statement.bind(CanonicalJSON.string(value))
        case .bytes:
            guard let bytes = value.stringValue.flatMap(Base64.decode) else { throw mismatch }
            placeholder = try statement.bind(Data(bytes))
        }
        return statement.spells ? placeholder + "::" + columnType : ""
    }

    /// SQL selecting the column of table `alias` as `label`, in the form `member(in:label:)` reads.
    func select(from alias: String, as label: String) -> String {
        let column = "\(alias).\(name)"
        switch type {
        case .uuid, .object: return "\(column)::text AS \(label)"
        case .timestamp: return SQL.micros(column, as: label)
        case .text, .boolean, .double, .bytes: return "\(column) AS \(label)"
        }
    }

    /// The body member for column `label` of `row` (selected by `select(from:as:)`).
    func member(in row: PostgresRandomAccessRow, label: String) throws -> JSONValue {
        switch type {
        case .text, .uuid: return try row.get(label, as: String?.self).map(JSONValue.string) ?? .null
        case .timestamp: return try row.optionalTimestamp(label).map { .string($0.iso8601) } ?? .null
        case .boolean: return try row.get(label, as: Bool?.self).map(JSONValue.bool) ?? .null
        case .double: return try row.get(label, as: Double?.self).map(JSONValue.number) ?? .null
        case .bytes: return try row.get(label, as: Data?.self).map { .string(Base64.encode(Array($0))) } ?? .null
        case .object:
            guard let text = try row.get(label, as: String?.self) else { return .null }
            guard let json = try? JSONParser.parse(Array(text.utf8)) else {
                throw StoreError.corruptRow("column \(name) is not JSON")
            }
            return json
        }
    }
}
