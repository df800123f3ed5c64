import Foundation
import PostgresNIO
import RelayCore

/// Outcome of an attempt to execute a seal.
public enum ExecutionOutcome: Sendable, Equatable {
    /// This call executed the seal.
    case executed(at: Timestamp)
    case notFound
    case alreadyExecuted
    case expired
    case denied
    /// The seal's home is another region: it is not executed here.
    case foreign(home: String)
}

/// Reads seals (with their payload rebuilt from the manifest rows) and executes them.
public struct SealStore: Sendable {
    let database: Database

    /// Creates a store on `database`.
    public init(database: Database) {
        self.database = database
    }

    /// The seal `sealID`, its signed fields rebuilt from the stored manifest and seal rows; nil when unknown.
    public func seal(id sealID: String) async throws -> Seal? {
        return try await database.operation("read seal \(sealID)") { conn in
            let rows = try await conn.guardedQuery(
                """
                SELECT s.seal_id, s.manifest_id::text AS manifest_id, s.region, s.approved, s.policy_version, s.denial_reason,
                    s.key_id, s.public_key, s.signature, s.signed_payload, s.was_executed,
                    \(unescaped: SQL.micros("s.issued_at", as: "issued_at")),
                    \(unescaped: SQL.micros("s.expires_at", as: "expires_at")),
                    \(unescaped: SQL.micros("s.executed_at", as: "executed_at")),
                    \(unescaped: SQL.micros("m.manifest_timestamp", as: "manifest_timestamp")),
                    m.agent_id, m.org_id, m.provider, m.method, m.parameters::text AS parameters
                FROM seals s JOIN manifests m ON m.manifest_id = s.manifest_id
                WHERE s.seal_id = \(sealID)
                """, logger: database.logger)
            for try await row in rows {
                let r = row.makeRandomAccess()
                let payload = SealPayload(
                    manifestID: try r.get("manifest_id"), timestamp: try r.timestamp("manifest_timestamp"),
                    agentID: try r.get("agent_id"), orgID: try r.get("org_id"), provider: try r.get("provider"),
                    method: try r.get("method"), parameters: try r.jsonObject("parameters"),
                    policyVersion: try r.get("policy_version"), approved: try r.get("approved"),
                    sealID: try r.get("seal_id"), region: try r.get("region"), keyID: try r.get("key_id"),
                    issuedAt: try r.timestamp("issued_at"), expiresAt: try r.timestamp("expires_at"))
                return Seal(
                    payload: payload, denialReason: try r.get("denial_reason"),
                    signature: Array(try r.get("signature", as: Data.self)),
                    publicKey: Array(try r.get("public_key", as: Data.self)),
                    signedPayload: Array(try r.get("signed_payload", as: Data.self)),
                    wasExecuted: try r.get("was_executed"), executedAt: try r.optionalTimestamp("executed_at"))
            }
            return nil
        }
    }

    /// Executes the seal at `now` in region `region` with ONE atomic statement: of any number of
    /// concurrent calls exactly one gets `.executed`. Only seals whose home is `region`, or whose
    /// home `region` took over in a switchover, are executed here; the execution is recorded in
    /// `region`'s ledger. When nothing was updated, says why. A region that is fenced or taken
    /// over throws `StoreError.regionNotActive` (its database refuses).
    public func markExecuted(id sealID: String, now: Timestamp, region: String) async throws -> ExecutionOutcome {
        return try await database.operation("execute seal \(sealID)") { conn in
            let record = LedgerRecord.sealExecuted(sealID: sealID, executedAt: now)
            let body = record.body
            let update = RecordUpdate.sealExecution
            var statement = BoundStatement()
            let set = try update.assignments(values: body, in: &statement)
            let seal = try update.match("s", values: body, in: &statement)
            let here = try statement.bind(region)
            let at = try statement.bind(now.iso8601)
            let kind = try statement.bind(record.kind.rawValue)
            let subject = try statement.bind(record.subject)
            let bytes = try statement.bind(Data(CanonicalJSON.bytes(body)))
            // The execution and its ledger record commit together (one statement): the record is
            // inserted only when the UPDATE changed a row. The columns it sets come from the body.
            let sql = """
                WITH u AS (
                    UPDATE seals s SET \(set)
                    WHERE \(seal) AND s.approved AND NOT s.was_executed AND s.expires_at > \(at)::timestamptz
                        AND relay_executes_seals_of(s.region, \(here))
                    RETURNING s.executed_at
                ), r AS (
                    INSERT INTO ledger_records (region, kind, subject, body) SELECT \(here), \(kind), \(subject), \(bytes) FROM u
                )
                SELECT \(SQL.micros("executed_at", as: "executed_at")) FROM u
                """
            do {
                let updated = try await conn.guardedQuery(statement.query(sql), logger: database.logger)
                for try await (micros) in updated.decode(Int64.self) {
                    return .executed(at: Timestamp(microseconds: micros))
                }
            } catch let error where error.fenceRefusal != nil {
                throw error.fenceRefusal!
            }
            let state = try await conn.guardedQuery(
                """
                SELECT approved, was_executed, region, relay_executes_seals_of(region, \(region))
                FROM seals WHERE seal_id = \(sealID)
                """, logger: database.logger)
            for try await (approved, executed, home, executesHere) in state.decode((Bool, Bool, String, Bool).self) {
                if !executesHere { return .foreign(home: home) }
                if executed { return .alreadyExecuted }
                if !approved { return .denied }
                return .expired
            }
            return .notFound
        }
    }
}
