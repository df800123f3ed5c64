import Foundation
import Hummingbird
import Logging
import RelayCore
import RelayStore

/// How a group of routes treats the `Authorization` header.
public enum AuthMode: Sendable {
    /// A valid bearer token is required (401 otherwise).
    case required
    /// A token is optional; when one is presented it must be valid.
    case optional
}

/// Authenticates `Authorization: Bearer <jwt>`, loads the agent (unknown or inactive → 401),
/// sets `context.principal`, and records every success and failure in `auth_events`.
public struct AuthMiddleware: RouterMiddleware {
    public typealias Context = RelayRequestContext
    let services: GatewayServices
    let mode: AuthMode

    /// Creates the middleware for routes of `mode`.
    public init(services: GatewayServices, mode: AuthMode) {
        self.services = services
        self.mode = mode
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            if mode == .optional { return try await next(request, context) }
            try await reject(request, context, reason: "missing bearer token", agentID: nil, orgID: nil)
        }
        guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            try await reject(request, context, reason: "Authorization header is not a bearer token", agentID: nil, orgID: nil)
        }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        let principal: Principal
        switch await services.tokens.verify(token) {
        case .success(let p): principal = p
        case .failure(let error): try await reject(request, context, reason: error.reason, agentID: nil, orgID: nil)
        }
        guard let (agent, orgActive) = try await services.identities.agent(id: principal.agentID) else {
            try await reject(request, context, reason: "unknown agent", agentID: principal.agentID, orgID: principal.orgID)
        }
        guard agent.orgID == principal.orgID else {
            try await reject(request, context, reason: "token organization does not own this agent", agentID: principal.agentID, orgID: principal.orgID)
        }
        guard agent.isActive, orgActive else {
            try await reject(request, context, reason: agent.isActive ? "organization is inactive" : "agent is inactive", agentID: principal.agentID, orgID: principal.orgID)
        }
        try await services.recordAuth(
            AuthEvent(type: "authentication", success: true, agentID: principal.agentID, orgID: principal.orgID,
                      endpoint: endpoint(request), clientIP: context.clientIP))
        var context = context
        context.principal = principal
        context.logger[metadataKey: "agent_id"] = "\(principal.agentID)"
        return try await next(request, context)
    }

    private func endpoint(_ request: Request) -> String { "\(request.method) \(request.uri.path)" }

    private func reject(_ request: Request, _ context: Context, reason: String, agentID: String?, orgID: String?) async throws -> Never {
        try await services.recordAuth(
            AuthEvent(type: "authentication", success: false, agentID: agentID, orgID: orgID,
                      endpoint: endpoint(request), clientIP: context.clientIP, reason: reason))
        context.logger.notice("authentication failed", metadata: ["reason": "\(reason)"])
        var error = APIError(.unauthorized, "Not authenticated: \(reason)")
        error.headers[.wwwAuthenticate] = "Bearer"
        throw error
    }
}
