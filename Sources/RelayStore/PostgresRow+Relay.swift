import PostgresNIO
import RelayCore

extension PostgresRandomAccessRow {
    /// Decodes column `name` as `T`.
    func get<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try self[name].decode(T.self)
    }

    /// Decodes a column selected through `SQL.micros` as a `Timestamp`.
    func timestamp(_ name: String) throws -> Timestamp {
        Timestamp(microseconds: try get(name, as: Int64.self))
    }

    /// Decodes a nullable `SQL.micros` column.
    func optionalTimestamp(_ name: String) throws -> Timestamp? {
        try get(name, as: Int64?.self).map(Timestamp.init(microseconds:))
    }

    /// Decodes a `jsonb::text` column into a JSON object.
    func jsonObject(_ name: String) throws -> [String: JSONValue] {
        let text = try get(name, as: String.self)
        guard let object = (try? JSONParser.parse(Array(text.utf8)))?.objectValue else {
            throw StoreError.corruptRow("column \(name) is not a JSON object")
        }
        return object
    }
}

/// SQL fragments shared by the queries.
package enum SQL {
    /// Exact microseconds since the epoch of a timestamptz expression (numeric in PG ≥ 14).
    package static func micros(_ column: String, as alias: String) -> String {
        "(extract(epoch FROM \(column)) * 1000000)::int8 AS \(alias)"
    }

    /// `region` as a quoted SQL literal, for the few queries that must be spliced; only region ids
    /// (`[a-z0-9][a-z0-9-]*`, ≤ 40) are accepted, so nothing can escape the quotes.
    package static func regionLiteral(_ region: String) throws -> String {
        guard !region.isEmpty, region.count <= 40, region.first != "-",
            region.utf8.allSatisfy({ (48...57).contains($0) || (97...122).contains($0) || $0 == 45 })
        else { throw StoreError.invalidRegion(region) }
        return "'\(region)'"
    }
}
