import PostgresNIO

/// A statement assembled from generated SQL whose values are all bound parameters: `bind`
/// appends a value and returns its placeholder (`$3`), so no value is ever part of the SQL text.
/// For statements whose shape comes from the record schemas; the rest use `PostgresQuery`
/// interpolation.
struct BoundStatement {
    private var bindings = PostgresBindings()
    /// False when the caller already has the statement's text (same shape, other values): `bind`
    /// then only binds, and the generators skip building text nobody reads.
    let spells: Bool

    /// An empty statement; `spells: false` binds values without spelling placeholders.
    init(spells: Bool = true) {
        self.spells = spells
    }

    /// Binds `value` (nil as NULL) and returns its placeholder ("" when not spelling).
    mutating func bind<Value: PostgresThrowingDynamicTypeEncodable>(_ value: Value?) throws -> String {
        try bindings.append(value)
        return spells ? "$\(bindings.count)" : ""
    }

    /// The query: `sql` (placeholders only, from `bind`) with the values bound so far.
    func query(_ sql: String) -> PostgresQuery {
        PostgresQuery(unsafeSQL: sql, binds: bindings)
    }
}
