/// An agent as registered (`is_active` is state, not history, and is not recorded).
public struct AgentRecord: Sendable, Equatable {
    public var agentID: String
    public var orgID: String
    public var agentName: String
    public var description: String?
    public var createdAt: Timestamp

    /// Creates a record.
    public init(agentID: String, orgID: String, agentName: String, description: String?, createdAt: Timestamp) {
        self.agentID = agentID
        self.orgID = orgID
        self.agentName = agentName
        self.description = description
        self.createdAt = createdAt
    }
}

extension AgentRecord {
    /// An `agent_registered` body; the same names are `agents` columns.
    public static let schema = RecordSchema<AgentRecord>(
        blank: AgentRecord(agentID: "", orgID: "", agentName: "", description: nil, createdAt: .init(microseconds: 0)),
        fields: [
            .init("agent_id", \.agentID, .text),
            .init("org_id", \.orgID, .text),
            .init("agent_name", \.agentName, .text),
            .init("description", \.description, .optional(.text)),
            .init("created_at", \.createdAt, .timestamp),
        ])
}
