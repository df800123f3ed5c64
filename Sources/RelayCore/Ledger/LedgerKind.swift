/// What a ledger entry records (docs/ledger-format.md). The raw value is the `kind` string that is hashed.
public enum LedgerKind: String, Sendable, CaseIterable, Codable {
    /// A policy decision: the manifest and its seal (approved or denied).
    case manifest
    /// A seal's one-time execution.
    case sealExecuted = "seal_executed"
    /// A new organization.
    case orgRegistered = "org_registered"
    /// A new agent.
    case agentRegistered = "agent_registered"
    /// An authentication or authorization outcome.
    case authEvent = "auth_event"
    /// Fence, takeover or epoch change; written by relay-dr only.
    case regionControl = "region_control"

    /// The body member that names the domain row an entry is about (its `subject`).
    public var subjectField: String {
        switch self {
        case .manifest: "manifest_id"
        case .sealExecuted: "seal_id"
        case .orgRegistered: "org_id"
        case .agentRegistered: "agent_id"
        case .authEvent: "event_id"
        case .regionControl: "control_id"
        }
    }
}
