import Hummingbird
import RelayCore
import RelayStore

/// `GET /v1/audit/query` and `GET /v1/audit/stats`.
struct AuditRoutes {
    let services: GatewayServices

    func add(to groups: RouteGroups) {
        groups.optionalAuth.get("/v1/audit/query", use: query)
        groups.optionalAuth.get("/v1/audit/stats", use: stats)
    }

    /// Filters from the query string; an authenticated caller only ever sees its own org.
    private func filter(_ q: inout QueryReader, _ context: RelayRequestContext, approvedOnly: Bool = false) -> AuditFilter {
        AuditFilter(
            orgID: context.principal?.orgID ?? q.string("org_id"), agentID: q.string("agent_id"),
            provider: q.string("provider")?.lowercased(), approvedOnly: approvedOnly)
    }

    @Sendable func query(request: Request, context: RelayRequestContext) async throws -> JSONResponse {
        var q = QueryReader(request)
        let f = filter(&q, context, approvedOnly: q.bool("approved_only", default: false))
        let limit = q.int("limit", default: 100, range: 1...1000)
        let offset = q.int("offset", default: 0, range: 0...Int(Int32.max))
        try q.check()
        let (total, records) = try await services.audit.query(f, limit: limit, offset: offset)
        return JSONResponse(
            .ok,
            [
                "total": .number(Double(total)), "limit": .number(Double(limit)), "offset": .number(Double(offset)),
                "results": .array(records.map(\.jsonValue)),
            ])
    }

    @Sendable func stats(request: Request, context: RelayRequestContext) async throws -> JSONResponse {
        var q = QueryReader(request)
        let f = filter(&q, context)
        try q.check()
        let s = try await services.audit.stats(f)
        return JSONResponse(
            .ok,
            [
                "total_manifests": .number(Double(s.total)), "approved": .number(Double(s.approved)),
                "denied": .number(Double(s.denied)), "executed": .number(Double(s.executed)),
                "approval_rate": .number(s.approvalRate),
            ])
    }
}

extension AuditRecord {
    /// One entry of `results`.
    var jsonValue: JSONValue {
        [
            "manifest_id": .string(manifestID), "created_at": .string(createdAt.iso8601), "region": .string(region),
            "agent_id": .string(agentID), "org_id": .string(orgID), "provider": .string(provider),
            "method": .string(method), "parameters": .object(parameters), "reasoning": .string(reasoning),
            "environment": .string(environment), "approved": .bool(approved), "policy_version": .string(policyVersion),
            "denial_reason": denialReason.map { .string($0) } ?? .null,
            "seal_id": sealID.map { .string($0) } ?? .null, "was_executed": .bool(wasExecuted),
        ]
    }
}
