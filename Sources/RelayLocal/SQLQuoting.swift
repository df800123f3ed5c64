/// Quoting for SQL text that the harness builds.
enum SQLQuoting {
    /// A double-quoted identifier: `my "db"` → `"my ""db"""`.
    static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A standard-conforming string literal: `it's` → `'it''s'`.
    static func literal(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
