import Foundation
import PostgresNIO
import RelayCore

/// An organization as the API shows it.
public struct Organization: Sendable, Equatable {
    public var orgID: String
    public var region: String
    public var orgName: String
    public var contactEmail: String
    public var createdAt: Timestamp
    public var isActive: Bool
    public var agentsCount: Int64
}

/// An agent as the API shows it.
public struct Agent: Sendable, Equatable {
    public var agentID: String
    public var orgID: String
    public var region: String
    public var agentName: String
    public var description: String?
    public var createdAt: Timestamp
    public var isActive: Bool
}

/// Organizations, agents and the auth event log.
public struct IdentityStore: Sendable {
    let database: Database

    /// Creates a store on `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Registers an organization with its initial agent, in one transaction.
    public func registerOrganization(
        name: String, contactEmail: String, initialAgentName: String, region: String, now: Timestamp
    ) async throws -> (Organization, Agent) {
        let org = Organization(
            orgID: "org_" + Hex.random(bytes: 8), region: region, orgName: name, contactEmail: contactEmail,
            createdAt: now, isActive: true, agentsCount: 1)
        let agent = Agent(
            agentID: "agent_" + Hex.random(bytes: 8), orgID: org.orgID, region: region, agentName: initialAgentName,
            description: nil, createdAt: now, isActive: true)
        let record = LedgerRecord.orgRegistered(
            OrgRecord(orgID: org.orgID, orgName: name, contactEmail: contactEmail, createdAt: now))
        try await database.transaction("register organization \(org.orgID)") { conn in
            try await conn.guardedQuery(try record.write(region: region), logger: database.logger)
            try await insert(agent, on: conn)
        }
        return (org, agent)
    }

    /// Registers another agent in `orgID`.
    public func registerAgent(orgID: String, name: String, description: String?, region: String, now: Timestamp) async throws -> Agent {
        let agent = Agent(
            agentID: "agent_" + Hex.random(bytes: 8), orgID: orgID, region: region, agentName: name,
            description: description, createdAt: now, isActive: true)
        try await database.transaction("register agent \(agent.agentID)") { conn in try await insert(agent, on: conn) }
        return agent
    }

    private func insert(_ a: Agent, on conn: PostgresConnection) async throws {
        let record = LedgerRecord.agentRegistered(
            AgentRecord(agentID: a.agentID, orgID: a.orgID, agentName: a.agentName, description: a.description, createdAt: a.createdAt))
        try await conn.guardedQuery(try record.write(region: a.region), logger: database.logger)
    }

    /// The organization `orgID` with its agent count; nil when unknown.
    public func organization(id orgID: String) async throws -> Organization? {
        try await database.operation("read organization \(orgID)") { conn in
            let rows = try await conn.guardedQuery(
                """
                SELECT o.org_id, o.region, o.org_name, o.contact_email, \(unescaped: SQL.micros("o.created_at", as: "created_at")),
                    o.is_active, (SELECT count(*) FROM agents a WHERE a.org_id = o.org_id) AS agents_count
                FROM organizations o WHERE o.org_id = \(orgID)
                """, logger: database.logger)
            for try await row in rows {
                let r = row.makeRandomAccess()
                return Organization(
                    orgID: try r.get("org_id"), region: try r.get("region"), orgName: try r.get("org_name"),
                    contactEmail: try r.get("contact_email"), createdAt: try r.timestamp("created_at"),
                    isActive: try r.get("is_active"), agentsCount: try r.get("agents_count"))
            }
            return nil
        }
    }

    /// The agents of `orgID`, oldest first.
    public func agents(orgID: String) async throws -> [Agent] {
        try await agents(where: "a.org_id", equals: orgID)
    }

    /// The agent `agentID` and whether its organization is active; nil when unknown.
    public func agent(id agentID: String) async throws -> (agent: Agent, orgActive: Bool)? {
        guard let agent = try await agents(where: "a.agent_id", equals: agentID).first else { return nil }
        let orgActive = try await database.operation("read whether organization \(agent.orgID) is active") { conn in
            var active = false
            for try await (flag) in try await conn.guardedQuery(
                "SELECT is_active FROM organizations WHERE org_id = \(agent.orgID)", logger: database.logger
            ).decode(Bool.self) {
                active = flag
            }
            return active
        }
        return (agent, orgActive)
    }

    private func agents(where column: String, equals value: String) async throws -> [Agent] {
        try await database.operation("read agents") { conn in
            let rows = try await conn.guardedQuery(
                """
                SELECT a.agent_id, a.org_id, a.region, a.agent_name, a.description,
                    \(unescaped: SQL.micros("a.created_at", as: "created_at")), a.is_active
                FROM agents a WHERE \(unescaped: column) = \(value) ORDER BY a.created_at, a.agent_id
                """, logger: database.logger)
            var out: [Agent] = []
            for try await row in rows {
                let r = row.makeRandomAccess()
                out.append(
                    Agent(
                        agentID: try r.get("agent_id"), orgID: try r.get("org_id"), region: try r.get("region"),
                        agentName: try r.get("agent_name"), description: try r.get("description"),
                        createdAt: try r.timestamp("created_at"), isActive: try r.get("is_active")))
            }
            return out
        }
    }

    /// Appends an auth event and its ledger record (one statement, so together or not at all), on
    /// `connection` when given (inside a transaction the caller holds), else on a pooled one.
    public func record(
        _ e: AuthEvent, region: String, now: Timestamp, eventID: UUID = UUID(), on connection: PostgresConnection? = nil
    ) async throws {
        let record = LedgerRecord.authEvent(AuthEventRecord(eventID: eventID.uuidString.lowercased(), event: e, createdAt: now))
        return try await database.operation("record \(record.kind.rawValue) \(record.subject)") { conn in
            try await record.execute(region: region, on: connection ?? conn, logger: database.logger)
        }
    }
}
