import Foundation
import PostgresNIO
import RelayCore

extension LedgerRecord {
    /// ONE statement (one round trip, one implicit transaction) writing this record for
    /// `region`: its domain rows, holding the body's member values (`RowWrites`), and its
    /// `ledger_records` row with the canonical body. They commit together or not at all.
    func write(region: String) throws -> PostgresQuery {
        let body = self.body
        var statement = BoundStatement()
        let regionValue = try statement.bind(region)
        let rows = try RowWrites.inserts(kind, body: body, region: regionValue, in: &statement)
        let kindValue = try statement.bind(kind.rawValue)
        let subjectValue = try statement.bind(subject)
        let bytes = try statement.bind(Data(CanonicalJSON.bytes(body)))
        return statement.query(
            """
            WITH \(rows)
            INSERT INTO ledger_records (region, kind, subject, body) VALUES (\(regionValue), \(kindValue), \(subjectValue), \(bytes))
            """)
    }
}
