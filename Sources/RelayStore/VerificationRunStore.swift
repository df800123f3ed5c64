import Foundation
import Logging
import PostgresNIO
import RelayCore

/// The record of every verification run (`verification_runs`, migration 0008): append-only.
public struct VerificationRunStore: Sendable {
    /// One run as recorded.
    public struct Run: Sendable, Equatable {
        public var startedAt: Timestamp
        /// The region that ran the check.
        public var runBy: String
        /// `heads`, `full` or `continuous`.
        public var mode: String
        /// What was checked (origins, regions, how they were reached).
        public var scope: JSONValue
        /// `consistent`, `inconsistent` or `could_not_check`.
        public var result: String
        /// Every finding (JSON array).
        public var findings: JSONValue

        /// Creates a run.
        public init(startedAt: Timestamp, runBy: String, mode: String, scope: JSONValue, result: String, findings: JSONValue) {
            self.startedAt = startedAt
            self.runBy = runBy
            self.mode = mode
            self.scope = scope
            self.result = result
            self.findings = findings
        }
    }

    let database: Database

    /// Creates a store on `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Records `run`; returns its id.
    @discardableResult
    public func record(_ run: Run) async throws -> Int64 {
        return try await database.operation("record a verification run") { conn in
            for try await id in try await conn.guardedQuery(
                """
                INSERT INTO verification_runs (started_at, run_by, mode, scope, result, findings)
                VALUES ('epoch'::timestamptz + \(run.startedAt.microseconds) * interval '1 microsecond', \(run.runBy), \(run.mode),
                    \(CanonicalJSON.string(run.scope))::jsonb, \(run.result), \(CanonicalJSON.string(run.findings))::jsonb)
                RETURNING id
                """, logger: database.logger
            ).decode(Int64.self) {
                return id
            }
            throw StoreError.corruptRow("verification_runs: INSERT returned no id")
        }
    }

    /// The last `limit` runs, newest first.
    public func recent(limit: Int = 20) async throws -> [Run] {
        return try await database.operation("read the verification runs") { conn in
            var out: [Run] = []
            for try await (micros, runBy, mode, scope, result, findings) in try await conn.guardedQuery(
                """
                SELECT \(unescaped: SQL.micros("started_at", as: "started_at")), run_by, mode, scope::text, result, findings::text
                FROM verification_runs ORDER BY id DESC LIMIT \(limit)
                """, logger: database.logger
            ).decode((Int64, String, String, String, String, String).self) {
                out.append(
                    Run(
                        startedAt: Timestamp(microseconds: micros), runBy: runBy, mode: mode,
                        scope: (try? JSONParser.parse(Array(scope.utf8))) ?? .null, result: result,
                        findings: (try? JSONParser.parse(Array(findings.utf8))) ?? .null))
            }
            return out
        }
    }
}

extension VerificationRunStore {
    /// The runs started in `period`, oldest first, as a compliance report lists them (`region`:
    /// the region whose database this is); at most `limit` (the newest are dropped beyond it).
    public func runs(in period: ReportPeriod, recordedBy region: String, limit: Int = 10_000) async throws -> [ComplianceVerificationRun] {
        try await database.operation("read the verification runs of a period") { conn in
            var out: [ComplianceVerificationRun] = []
            for try await (started, finished, runBy, mode, scope, result, findings) in try await conn.guardedQuery(
                """
                SELECT \(unescaped: SQL.micros("started_at", as: "started_at")), \(unescaped: SQL.micros("finished_at", as: "finished_at")),
                    run_by, mode, scope::text, result, findings::text
                FROM verification_runs
                WHERE started_at >= 'epoch'::timestamptz + \(period.from.microseconds)::int8 * interval '1 microsecond'
                  AND started_at < 'epoch'::timestamptz + \(period.to.microseconds)::int8 * interval '1 microsecond'
                ORDER BY started_at, id LIMIT \(limit)
                """, logger: database.logger
            ).decode((Int64, Int64, String, String, String, String, String).self) {
                let scopeJSON = try? JSONParser.parse(Array(scope.utf8))
                let list = (try? JSONParser.parse(Array(findings.utf8)))?.arrayValue ?? []
                out.append(
                    ComplianceVerificationRun(
                        recordedBy: region, runBy: runBy, startedAt: Timestamp(microseconds: started),
                        finishedAt: Timestamp(microseconds: finished), mode: mode,
                        origins: scopeJSON?["origins"]?.arrayValue?.compactMap(\.stringValue) ?? [], result: result, findings: list.count,
                        findingSummaries: list.prefix(5).map { f in
                            let detail = f["detail"]?.stringValue ?? f["reason"]?.stringValue ?? CanonicalJSON.string(f)
                            let copy = f["copy"]?.stringValue ?? f["origin"]?.stringValue
                            return (copy.map { "\($0): " } ?? "") + String(detail.prefix(200))
                        }))
            }
            return out
        }
    }
}
