import Foundation

/// The action an agent asks Relay to approve (README.md, "HTTP API v1"), after validation and normalisation.
public struct Manifest: Sendable, Equatable {
    /// Who is acting.
    public struct Agent: Sendable, Equatable {
        public var agentID: String
        public var orgID: String
        public var userID: String?
        /// Creates an agent reference.
        public init(agentID: String, orgID: String, userID: String? = nil) {
            self.agentID = agentID
            self.orgID = orgID
            self.userID = userID
        }
    }

    /// What the agent wants to do.
    public struct Action: Sendable, Equatable {
        /// Lower-cased; `[a-z0-9_-]+`.
        public var provider: String
        /// Lower-cased; `[a-z0-9_-]+`.
        public var method: String
        public var parameters: [String: JSONValue]
        /// Creates an action.
        public init(provider: String, method: String, parameters: [String: JSONValue]) {
            self.provider = provider
            self.method = method
            self.parameters = parameters
        }
    }

    /// Why the agent wants to do it.
    public struct Justification: Sendable, Equatable {
        public var reasoning: String
        /// 0...1 when present.
        public var confidenceScore: Double?
        public var context: [String: JSONValue]?
        /// Creates a justification.
        public init(reasoning: String, confidenceScore: Double? = nil, context: [String: JSONValue]? = nil) {
            self.reasoning = reasoning
            self.confidenceScore = confidenceScore
            self.context = context
        }
    }

    public var manifestID: UUID
    public var version: String
    public var timestamp: Timestamp
    public var agent: Agent
    public var action: Action
    public var justification: Justification
    public var environment: String

    /// Creates a manifest; prefer `ManifestValidator` for input from the network.
    public init(
        manifestID: UUID, version: String = "1.0", timestamp: Timestamp, agent: Agent, action: Action,
        justification: Justification, environment: String = "production"
    ) {
        self.manifestID = manifestID
        self.version = version
        self.timestamp = timestamp
        self.agent = agent
        self.action = action
        self.justification = justification
        self.environment = environment
    }

    /// `manifest_id` as clients see it (lower-case UUID).
    public var id: String { manifestID.uuidString.lowercased() }
}

extension Manifest.Justification {
    /// JSON form, omitting absent optional fields.
    public var jsonValue: JSONValue {
        var o: [String: JSONValue] = ["reasoning": .string(reasoning)]
        if let confidenceScore { o["confidence_score"] = .number(confidenceScore) }
        if let context { o["context"] = .object(context) }
        return .object(o)
    }
}

extension Manifest {
    /// The policy input document (docs/policies.md): the same for OPA and the builtin engine.
    public var policyInput: JSONValue {
        var agentObject: [String: JSONValue] = ["agent_id": .string(agent.agentID), "org_id": .string(agent.orgID)]
        if let userID = agent.userID { agentObject["user_id"] = .string(userID) }
        return .object([
            "manifest_id": .string(id),
            "timestamp": .string(timestamp.iso8601),
            "agent": .object(agentObject),
            "action": .object([
                "provider": .string(action.provider),
                "method": .string(action.method),
                "parameters": .object(action.parameters),
            ]),
            "justification": justification.jsonValue,
            "environment": .string(environment),
        ])
    }
}
