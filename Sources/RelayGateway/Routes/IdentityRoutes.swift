import Hummingbird
import RelayCore
import RelayStore

/// `POST /v1/orgs/register` (public), `GET /v1/orgs/{org_id}`, `POST /v1/agents/register`,
/// `GET /v1/agents` (JWT).
struct IdentityRoutes {
    let services: GatewayServices

    func add(to groups: RouteGroups) {
        groups.open.post("/v1/orgs/register", use: registerOrganization)
        groups.requiredAuth.get("/v1/orgs/{org_id}", use: organization)
        groups.requiredAuth.post("/v1/agents/register", use: registerAgent)
        groups.requiredAuth.get("/v1/agents", use: agents)
    }

    @Sendable func registerOrganization(request: Request, context: RelayRequestContext) async throws -> JSONResponse {
        var body = try await BodyReader.read(request, limit: services.configuration.maxBodyBytes)
        let name = body.string("org_name", length: 1...255)
        let email = body.string("contact_email", length: 3...255)
        try body.check()
        let (org, agent) = try await services.identities.registerOrganization(
            name: name!, contactEmail: email!, initialAgentName: "default", region: services.configuration.region,
            now: services.clock.now())
        try await services.recordAuth(
            AuthEvent(type: "org_registered", success: true, agentID: agent.agentID, orgID: org.orgID,
                      endpoint: "POST /v1/orgs/register", clientIP: context.clientIP))
        let token = try await services.tokens.issue(agentID: agent.agentID, orgID: org.orgID)
        context.logger.info("organization registered", metadata: ["org_id": "\(org.orgID)"])
        return JSONResponse(
            .ok,
            [
                "org_id": .string(org.orgID), "org_name": .string(org.orgName), "contact_email": .string(org.contactEmail),
                "created_at": .string(org.createdAt.iso8601),
                "initial_agent": ["agent_id": .string(agent.agentID), "agent_name": .string(agent.agentName)],
                "access_token": .string(token), "token_type": "bearer",
                "expires_in": .number(Double(services.tokens.expiresIn)),
            ])
    }

    @Sendable func organization(request: Request, context: RelayRequestContext) async throws -> JSONResponse {
        let orgID = try context.parameters.require("org_id")
        let principal = try requirePrincipal(context)
        guard principal.orgID == orgID else {
            throw try await services.forbidden(
                principal, endpoint: "GET /v1/orgs/{org_id}", context: context, reason: "cross-org access to \(orgID)",
                message: "Access to another organization is not allowed")
        }
        guard let org = try await services.identities.organization(id: orgID) else {
            throw APIError(.notFound, "Organization not found")
        }
        return JSONResponse(
            .ok,
            [
                "org_id": .string(org.orgID), "org_name": .string(org.orgName), "contact_email": .string(org.contactEmail),
                "agents_count": .number(Double(org.agentsCount)), "created_at": .string(org.createdAt.iso8601),
                "is_active": .bool(org.isActive),
            ])
    }

    @Sendable func registerAgent(request: Request, context: RelayRequestContext) async throws -> JSONResponse {
        let principal = try requirePrincipal(context)
        var body = try await BodyReader.read(request, limit: services.configuration.maxBodyBytes)
        let name = body.string("agent_name", length: 1...255)
        let description = body.string("description", length: 0...1000, required: false)
        try body.check()
        let agent = try await services.identities.registerAgent(
            orgID: principal.orgID, name: name!, description: description, region: services.configuration.region,
            now: services.clock.now())
        try await services.recordAuth(
            AuthEvent(type: "agent_registered", success: true, agentID: agent.agentID, orgID: agent.orgID,
                      endpoint: "POST /v1/agents/register", clientIP: context.clientIP))
        let token = try await services.tokens.issue(agentID: agent.agentID, orgID: agent.orgID)
        return JSONResponse(
            .ok,
            [
                "agent_id": .string(agent.agentID), "org_id": .string(agent.orgID), "agent_name": .string(agent.agentName),
                "description": agent.description.map { .string($0) } ?? .null, "created_at": .string(agent.createdAt.iso8601),
                "access_token": .string(token), "token_type": "bearer",
                "expires_in": .number(Double(services.tokens.expiresIn)),
            ])
    }

    @Sendable func agents(request: Request, context: RelayRequestContext) async throws -> JSONResponse {
        let principal = try requirePrincipal(context)
        let agents = try await services.identities.agents(orgID: principal.orgID)
        return JSONResponse(
            .ok,
            [
                "total": .number(Double(agents.count)),
                "agents": .array(agents.map { a in
                    [
                        "agent_id": .string(a.agentID), "agent_name": .string(a.agentName),
                        "description": a.description.map { .string($0) } ?? .null,
                        "created_at": .string(a.createdAt.iso8601), "is_active": .bool(a.isActive),
                    ]
                }),
            ])
    }

    /// The authenticated caller; these routes sit behind `AuthMiddleware(.required)`.
    private func requirePrincipal(_ context: RelayRequestContext) throws -> Principal {
        guard let principal = context.principal else { throw APIError(.unauthorized, "Not authenticated") }
        return principal
    }
}
