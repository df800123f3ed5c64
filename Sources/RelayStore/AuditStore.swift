import PostgresNIO
import RelayCore

/// Filters of `GET /v1/audit/query` and `/v1/audit/stats`; nil means "any".
public struct AuditFilter: Sendable, Equatable {
    public var orgID: String?
    public var agentID: String?
    public var provider: String?
    public var approvedOnly: Bool

    /// Creates a filter.
    public init(orgID: String? = nil, agentID: String? = nil, provider: String? = nil, approvedOnly: Bool = false) {
        self.orgID = orgID
        self.agentID = agentID
        self.provider = provider
        self.approvedOnly = approvedOnly
    }
}

/// One manifest as the audit API lists it.
public struct AuditRecord: Sendable, Equatable {
    public var manifestID: String
    public var createdAt: Timestamp
    public var region: String
    public var agentID: String
    public var orgID: String
    public var provider: String
    public var method: String
    public var parameters: [String: JSONValue]
    public var reasoning: String
    public var environment: String
    public var approved: Bool
    public var policyVersion: String
    public var denialReason: String?
    public var sealID: String?
    public var wasExecuted: Bool
}

/// Counters of `GET /v1/audit/stats`.
public struct AuditStats: Sendable, Equatable {
    public var total: Int64
    public var approved: Int64
    public var denied: Int64
    public var executed: Int64

    /// Approved share in percent, rounded to 2 decimals; 0 when there is nothing.
    public var approvalRate: Double {
        total == 0 ? 0 : (Double(approved) * 10_000 / Double(total)).rounded() / 100
    }
}

/// Read-only audit queries over manifests and their seals.
public struct AuditStore: Sendable {
    let database: Database

    /// Creates a store on `database`.
    public init(database: Database) {
        self.database = database
    }

    /// The filtered total and one page of records, newest first.
    public func query(_ f: AuditFilter, limit: Int, offset: Int) async throws -> (total: Int64, records: [AuditRecord]) {
        return try await database.operation("query the audit trail") { conn in
            var total: Int64 = 0
            for try await (count) in try await conn.guardedQuery(
                """
                SELECT count(*) FROM manifests m
                WHERE (\(f.orgID)::text IS NULL OR m.org_id = \(f.orgID)) AND (\(f.agentID)::text IS NULL OR m.agent_id = \(f.agentID))
                  AND (\(f.provider)::text IS NULL OR m.provider = \(f.provider)) AND (NOT \(f.approvedOnly) OR m.approved)
                """, logger: database.logger
            ).decode(Int64.self) {
                total = count
            }
            let rows = try await conn.guardedQuery(
                """
                SELECT m.manifest_id::text AS manifest_id, \(unescaped: SQL.micros("m.created_at", as: "created_at")),
                    m.region, m.agent_id, m.org_id, m.provider, m.method, m.parameters::text AS parameters, m.reasoning,
                    m.environment, m.approved, m.policy_version, m.denial_reason, s.seal_id,
                    coalesce(s.was_executed, false) AS was_executed
                FROM manifests m LEFT JOIN seals s ON s.manifest_id = m.manifest_id
                WHERE (\(f.orgID)::text IS NULL OR m.org_id = \(f.orgID)) AND (\(f.agentID)::text IS NULL OR m.agent_id = \(f.agentID))
                  AND (\(f.provider)::text IS NULL OR m.provider = \(f.provider)) AND (NOT \(f.approvedOnly) OR m.approved)
                ORDER BY m.created_at DESC, m.manifest_id DESC
                LIMIT \(limit) OFFSET \(offset)
                """, logger: database.logger)
            var records: [AuditRecord] = []
            for try await row in rows {
                let r = row.makeRandomAccess()
                records.append(
                    AuditRecord(
                        manifestID: try r.get("manifest_id"), createdAt: try r.timestamp("created_at"),
                        region: try r.get("region"), agentID: try r.get("agent_id"), orgID: try r.get("org_id"),
                        provider: try r.get("provider"), method: try r.get("method"),
                        parameters: try r.jsonObject("parameters"), reasoning: try r.get("reasoning"),
                        environment: try r.get("environment"), approved: try r.get("approved"),
                        policyVersion: try r.get("policy_version"), denialReason: try r.get("denial_reason"),
                        sealID: try r.get("seal_id"), wasExecuted: try r.get("was_executed")))
            }
            return (total, records)
        }
    }

    /// Totals over the filtered manifests (`approvedOnly` is ignored: stats count both outcomes).
    public func stats(_ f: AuditFilter) async throws -> AuditStats {
        return try await database.operation("compute audit statistics") { conn in
            let rows = try await conn.guardedQuery(
                """
                SELECT count(*), count(*) FILTER (WHERE m.approved), count(*) FILTER (WHERE NOT m.approved),
                    count(*) FILTER (WHERE s.was_executed)
                FROM manifests m LEFT JOIN seals s ON s.manifest_id = m.manifest_id
                WHERE (\(f.orgID)::text IS NULL OR m.org_id = \(f.orgID)) AND (\(f.agentID)::text IS NULL OR m.agent_id = \(f.agentID))
                  AND (\(f.provider)::text IS NULL OR m.provider = \(f.provider))
                """, logger: database.logger)
            for try await (total, approved, denied, executed) in rows.decode((Int64, Int64, Int64, Int64).self) {
                return AuditStats(total: total, approved: approved, denied: denied, executed: executed)
            }
            return AuditStats(total: 0, approved: 0, denied: 0, executed: 0)
        }
    }
}
