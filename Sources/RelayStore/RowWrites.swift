import RelayCore

/// The statements that write a kind's rows, generated from its tables in the two forms the
/// rows are written in: from bound values (the gateway, one record) and out of jsonb bodies
/// (replicas, a batch). Both name the same columns with the same conversions per field type,
/// so a replica row is the row its origin wrote.
enum RowWrites {
    /// `WITH` items (`ow AS (INSERT …), …`) inserting the rows of the record whose body is
    /// `body`, its values bound in `statement`; `region` is the region's placeholder.
    static func inserts(_ kind: LedgerKind, body: JSONValue, region: String, in statement: inout BoundStatement) throws -> String {
        try kind.tables.map { table in
            let object = table.member.map { body[$0] ?? .null } ?? body
            var values: [String] = []
            for field in table.fields { values.append(try field.placeholder(for: object[field.name] ?? .null, in: &statement)) }
            for column in table.context { values.append(try column.placeholder(body: body, region: region, in: &statement)) }
            guard statement.spells else { return "" }
            return "\(table.alias)w AS (INSERT INTO \(table.name) (\(columnList(table))) VALUES (\(values.joined(separator: ", "))))"
        }.joined(separator: ",\n")
    }

    /// The rest of a `WITH` statement whose first CTE is `x(b, region)`: `b` each body parsed
    /// once as jsonb (MATERIALIZED: inlined, every lookup would parse the body again), `region` the
    /// rows' region. The last INSERT is the main query. `kind` must add rows.
    static func materialization(_ kind: LedgerKind) -> String {
        var extracts: [String] = []
        var inserts: [String] = []
        for table in kind.tables {
            let values = table.fields.map { $0.value(in: "b") }
            guard let member = table.member else {
                let select = (values + table.context.map(\.valueInX)).joined(separator: ", ")
                inserts.append("INSERT INTO \(table.name) (\(columnList(table))) SELECT \(select) FROM x")
                continue
            }
            // The record is a member of the body: extract it once per body, so the lookups read
            // the small object instead of the whole body. The context columns read the whole body.
            let source = "\(table.alias)x"
            let extract = (["b->'\(member)' AS b"] + table.context.map { "\($0.valueInX) AS \($0.name)" }).joined(separator: ", ")
            extracts.append("\(source) AS MATERIALIZED (SELECT \(extract) FROM x)")
            let select = (values + table.context.map(\.name)).joined(separator: ", ")
            inserts.append("INSERT INTO \(table.name) (\(columnList(table))) SELECT \(select) FROM \(source)")
        }
        guard let main = inserts.popLast() else { preconditionFailure("\(kind.rawValue) records add no rows") }
        let writes = inserts.enumerated().map { "w\($0.offset) AS (\($0.element))" }
        return (extracts + writes).map { ",\n" + $0 }.joined() + "\n" + main
    }

    private static func columnList(_ table: RecordTable) -> String {
        (table.fields.map(\.name) + table.context.map(\.name)).joined(separator: ", ")
    }
}
