import Foundation
import PostgresNIO
import RelayCore
import Synchronization

extension LedgerRecord {
    /// ONE statement (one round trip, one implicit transaction) writing this record for
    /// `region`: its domain rows, holding the body's member values (`RowWrites`), and its
    /// `ledger_records` row with the canonical body. They commit together or not at all.
    func write(region: String) throws -> PostgresQuery {
        let cached = Self.statements.withLock { $0[kind] }
        var statement = BoundStatement(spells: cached == nil)
        let sql = try write(region: region, in: &statement)
        #if DEBUG
        // Every record of a kind has the same statement, only other values: checked in tests.
        if let cached {
            var spelled = BoundStatement()
            let again = try write(region: region, in: &spelled)
            assert(again == cached, "the \(kind.rawValue) statement changed shape")
        }
        #endif
        if cached == nil { Self.statements.withLock { $0[kind] = sql } }
        return statement.query(cached ?? sql)
    }

    /// The statement's text per kind, spelled once: the gateway writes one record per request.
    private static let statements = Mutex<[LedgerKind: String]>([:])

    /// The text of `kind`'s statement once a record of that kind was written (nil before).
    static func statement(of kind: LedgerKind) -> String? {
        statements.withLock { $0[kind] }
    }

    /// Binds this record's values into `statement` and returns the statement's text (empty when
    /// `statement` does not spell).
    private func write(region: String, in statement: inout BoundStatement) throws -> String {
        let body = self.body
        let regionValue = try statement.bind(region)
        let rows = try RowWrites.inserts(kind, body: body, region: regionValue, in: &statement)
        let kindValue = try statement.bind(kind.rawValue)
        let subjectValue = try statement.bind(subject)
        let bytes = try statement.bind(Data(CanonicalJSON.bytes(body)))
        guard statement.spells else { return "" }
        return """
            WITH \(rows)
            INSERT INTO ledger_records (region, kind, subject, body) VALUES (\(regionValue), \(kindValue), \(subjectValue), \(bytes))
            """
    }
}
