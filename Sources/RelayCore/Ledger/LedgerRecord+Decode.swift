extension LedgerRecord {
    /// The record a `kind` body holds (the inverse of `body`). Throws for `region_control`,
    /// which is relay-dr's, not a record of the gateway.
    public init(kind: LedgerKind, body: JSONValue) throws(RecordBodyError) {
        switch kind {
        case .manifest:
            let manifest = try ManifestRecord.schema.decode(body[Self.manifestMember] ?? .null, at: Self.manifestMember)
            let seal = try SealRecord.schema.decode(body[Self.sealMember] ?? .null, at: Self.sealMember)
            let subject = kind.subjectField
            // Replicas key the seal row by this member and the manifest row by the nested one.
            guard body[subject] == .string(manifest.manifestID) else {
                throw RecordBodyError(path: subject, reason: "differs from \(Self.manifestMember).\(subject)")
            }
            self = .manifest(manifest, seal)
        case .sealExecuted:
            let execution = try SealExecutionRecord.schema.decode(body)
            self = .sealExecuted(sealID: execution.sealID, executedAt: execution.executedAt)
        case .orgRegistered: self = .orgRegistered(try OrgRecord.schema.decode(body))
        case .agentRegistered: self = .agentRegistered(try AgentRecord.schema.decode(body))
        case .authEvent: self = .authEvent(try AuthEventRecord.schema.decode(body))
        case .regionControl: throw RecordBodyError(path: "", reason: "region_control entries are not gateway records")
        }
    }
}
