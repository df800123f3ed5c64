import Logging
import PostgresNIO
import RelayCore

/// The records the gateway writes on every request, as statements prepared once per connection:
/// PostgreSQL then neither parses nor plans the multi-table insert again. The insert is the
/// database's whole cost of a decision, and parsing and planning it were more than half of that
/// (pgbench of the same insert: 2.1× the rate with `-M prepared` than with `-M extended`).
extension LedgerRecord {
    /// Writes this record for `region` on `conn` (ONE statement, as `write(region:)` spells it).
    func execute(region: String, on conn: PostgresConnection, logger: Logger) async throws {
        let query = try write(region: region)
        switch kind {
        case .manifest: try await conn.guardedExecute(PreparedRecordWrite<ManifestWrite>(binds: query.binds), logger: logger)
        case .authEvent: try await conn.guardedExecute(PreparedRecordWrite<AuthEventWrite>(binds: query.binds), logger: logger)
        default: try await conn.guardedQuery(query, logger: logger)  // rare: registrations
        }
    }
}

/// Which kind a prepared write is for (its statement's name and text are per kind).
protocol PreparedKind: Sendable {
    static var kind: LedgerKind { get }
}

enum ManifestWrite: PreparedKind { static let kind = LedgerKind.manifest }
enum AuthEventWrite: PreparedKind { static let kind = LedgerKind.authEvent }

/// One record's write with its values bound; the text is the kind's, spelled by the first write.
struct PreparedRecordWrite<Kind: PreparedKind>: PostgresPreparedStatement {
    typealias Row = ()
    static var name: String { "relay_write_\(Kind.kind.rawValue)" }
    static var sql: String { LedgerRecord.statement(of: Kind.kind) ?? "" }

    let binds: PostgresBindings

    func makeBindings() throws -> PostgresBindings { binds }
    func decodeRow(_ row: PostgresRow) throws -> Row { () }
}
