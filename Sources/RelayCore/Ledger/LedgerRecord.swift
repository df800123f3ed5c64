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

    /// The `manifest` body's member holding the `ManifestRecord` (next to the subject and the seal).
    public static let manifestMember = "manifest"
    /// The `manifest` body's member holding the `SealRecord`.
    public static let sealMember = "seal"

    /// The body as a JSON object, written by the records' schemas.
    public var body: JSONValue {
        switch self {
        case .manifest(let m, let s):
            .object([
                LedgerKind.manifest.subjectField: .string(m.manifestID),
                Self.manifestMember: ManifestRecord.schema.encode(m), Self.sealMember: SealRecord.schema.encode(s),
            ])
        case .sealExecuted(let id, let at): SealExecutionRecord.schema.encode(SealExecutionRecord(sealID: id, executedAt: at))
        case .orgRegistered(let o): OrgRecord.schema.encode(o)
        case .agentRegistered(let a): AgentRecord.schema.encode(a)
        case .authEvent(let e): AuthEventRecord.schema.encode(e)
        }
    }

    /// The canonical body bytes stored in `ledger_records` and hashed into the chain.
    public var bodyBytes: [UInt8] { CanonicalJSON.bytes(body) }
}
