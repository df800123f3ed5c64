/// What a record field holds. One type fixes both forms of the value: the JSON member of a
/// ledger body (docs/ledger-format.md) and the column that stores it.
public enum FieldType: String, Sendable, CaseIterable {
    /// A string; a `text` column.
    case text
    /// A UUID as a lower-case string; a `uuid` column.
    case uuid
    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`; a `timestamptz` column.
    case timestamp
    /// `true` or `false`; a `boolean` column.
    case boolean
    /// A number (an IEEE-754 double); a `double precision` column.
    case double
    /// A JSON object; a `jsonb` column.
    case object
    /// Bytes as standard base64 with padding; a `bytea` column.
    case bytes
}
