import RelayCore

/// A field of the policy input that a rule's `condition` can test for equality.
public enum ConditionField: String, Sendable, Hashable, CaseIterable {
    /// `action.provider` (lower-cased by the gateway).
    case provider
    /// `action.method` (lower-cased by the gateway).
    case method
    /// `environment` (the gateway defaults it to "production").
    case environment
    /// `agent.agent_id`.
    case agentID = "agent_id"
    /// `agent.org_id`.
    case orgID = "org_id"

    /// The YAML key naming this field in a rule's `condition` mapping.
    public var key: String { rawValue }

    /// The value of this field in a policy input document, or nil when it is absent.
    public func value(in input: JSONValue) -> JSONValue? {
        switch self {
        case .provider: input["action"]?["provider"]
        case .method: input["action"]?["method"]
        case .environment: input["environment"]
        case .agentID: input["agent"]?["agent_id"]
        case .orgID: input["agent"]?["org_id"]
        }
    }
}
