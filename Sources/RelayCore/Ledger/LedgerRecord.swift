/// A state change as the ledger records it: its kind, the domain row it is about (`subject`) and
/// its body, whose canonical bytes are hashed into the chain (docs/ledger-format.md lists the members).
public enum LedgerRecord: Sendable, Equatable {
    case manifest(ManifestRecord, SealRecord)
    case sealExecuted(sealID: String, executedAt: Timestamp)
    case orgRegistered(OrgRecord)
    case agentRegistered(AgentRecord)
    case authEvent(AuthEventRecord)

    /// The entry kind.
    public var kind: LedgerKind {
        switch self {
        case .manifest: .manifest
        case .sealExecuted: .sealExecuted
        case .orgRegistered: .orgRegistered
        case .agentRegistered: .agentRegistered
        case .authEvent: .authEvent
        }
    }

    /// The id of the domain row (`manifest_id`, `seal_id`, `org_id`, `agent_id` or `event_id`).
    public var subject: String {
        switch self {
        case .manifest(let m, _): m.manifestID
        case .sealExecuted(let id, _): id
        case .orgRegistered(let o): o.orgID
        case .agentRegistered(let a): a.agentID
        case .authEvent(let e): e.eventID
        }
    }

    /// The body as a JSON object.
    public var body: JSONValue {
        switch self {
        case .manifest(let m, let s):
            return .object(["manifest_id": .string(m.manifestID), "manifest": m.json, "seal": s.json])
        case .sealExecuted(let id, let at):
            return .object(["seal_id": .string(id), "executed_at": .string(at.iso8601)])
        case .orgRegistered(let o):
            return .object([
                "org_id": .string(o.orgID), "org_name": .string(o.orgName),
                "contact_email": .string(o.contactEmail), "created_at": .string(o.createdAt.iso8601),
            ])
        case .agentRegistered(let a):
            return .object([
                "agent_id": .string(a.agentID), "org_id": .string(a.orgID), "agent_name": .string(a.agentName),
                "description": .optional(a.description), "created_at": .string(a.createdAt.iso8601),
            ])
        case .authEvent(let e):
            return .object([
                "event_id": .string(e.eventID), "event_type": .string(e.eventType), "success": .bool(e.success),
                "agent_id": .optional(e.agentID), "org_id": .optional(e.orgID), "endpoint": .optional(e.endpoint),
                "client_ip": .optional(e.clientIP), "reason": .optional(e.reason),
                "created_at": .string(e.createdAt.iso8601),
            ])
        }
    }

    /// The canonical body bytes stored in `ledger_records` and hashed into the chain.
    public var bodyBytes: [UInt8] { CanonicalJSON.bytes(body) }
}

extension JSONValue {
    /// `.string(s)` or `.null`.
    static func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
}
