import PostgresNIO

/// A statement assembled from generated SQL whose values are all bound parameters: `bind`
/// appends a value and returns its placeholder (`$3`), so no value is ever part of the SQL text.
/// For statements whose shape comes from the record schemas; the rest use `PostgresQuery`
/// interpolation.
struct BoundStatement {
    private var bindings = PostgresBindings()

    /// Binds `value` (nil as NULL) and returns its placeholder.
    mutating func bind<Value: PostgresThrowingDynamicTypeEncodable>(_ value: Value?) throws -> String {
        try bindings.append(value)
        return "$\(bindings.count)"
    }

    /// The query: `sql` (placeholders only, from `bind`) with the values bound so far.
    func query(_ sql: String) -> PostgresQuery {
        PostgresQuery(unsafeSQL: sql, binds: bindings)
    }
}
