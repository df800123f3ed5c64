import RelayCore

/// A record that changes an existing row instead of adding one: the first field names the row,
/// the others are the columns it sets. Both forms of the SQL are generated from the record's
/// schema: from bound values (the gateway) and out of jsonb bodies (replicas).
struct RecordUpdate: Sendable {
    let table: String
    let fields: [FieldSpec]
    /// State columns set alongside (`was_executed = true`).
    let flags: [String]

    /// `seal_executed`: the seal's execution.
    static let sealExecution = RecordUpdate(
        table: RecordTable.seals.name, fields: SealExecutionRecord.schema.specs, flags: ["was_executed = true"])

    /// The `SET` list, reading the jsonb body `object`.
    func assignments(from object: String) -> String {
        (flags + fields.dropFirst().map { "\($0.name) = \($0.value(in: object))" }).joined(separator: ", ")
    }

    /// The condition selecting the row of table `alias` that the jsonb body `object` names.
    func match(_ alias: String, from object: String) -> String {
        "\(alias).\(fields[0].name) = \(fields[0].value(in: object))"
    }

    /// The `SET` list with the values of `body` bound in `statement`.
    func assignments(values body: JSONValue, in statement: inout BoundStatement) throws -> String {
        var out = flags
        for field in fields.dropFirst() {
            out.append("\(field.name) = \(try field.placeholder(for: body[field.name] ?? .null, in: &statement))")
        }
        return out.joined(separator: ", ")
    }

    /// The condition selecting the row of table `alias` that `body` names, its key bound in `statement`.
    func match(_ alias: String, values body: JSONValue, in statement: inout BoundStatement) throws -> String {
        "\(alias).\(fields[0].name) = \(try fields[0].placeholder(for: body[fields[0].name] ?? .null, in: &statement))"
    }
}
