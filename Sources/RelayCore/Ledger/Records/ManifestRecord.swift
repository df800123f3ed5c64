/// The manifest row of a decision, as the ledger records it (every `manifests` column but `region`).
public struct ManifestRecord: Sendable, Equatable {
    public var manifestID: String
    public var version: String
    public var manifestTimestamp: Timestamp
    public var agentID: String
    public var orgID: String
    public var userID: String?
    public var provider: String
    public var method: String
    public var parameters: [String: JSONValue]
    public var reasoning: String
    public var confidenceScore: Double?
    public var context: [String: JSONValue]?
    public var environment: String
    public var approved: Bool
    public var denialReason: String?
    public var policyVersion: String
    public var createdAt: Timestamp

    /// Creates a record.
    public init(
        manifestID: String, version: String, manifestTimestamp: Timestamp, agentID: String, orgID: String,
        userID: String?, provider: String, method: String, parameters: [String: JSONValue], reasoning: String,
        confidenceScore: Double?, context: [String: JSONValue]?, environment: String, approved: Bool,
        denialReason: String?, policyVersion: String, createdAt: Timestamp
    ) {
        self.manifestID = manifestID
        self.version = version
        self.manifestTimestamp = manifestTimestamp
        self.agentID = agentID
        self.orgID = orgID
        self.userID = userID
        self.provider = provider
        self.method = method
        self.parameters = parameters
        self.reasoning = reasoning
        self.confidenceScore = confidenceScore
        self.context = context
        self.environment = environment
        self.approved = approved
        self.denialReason = denialReason
        self.policyVersion = policyVersion
        self.createdAt = createdAt
    }

    /// The record the gateway writes for `manifest` decided by `seal`.
    public init(_ manifest: Manifest, seal: Seal) {
        let p = seal.payload
        self.init(
            manifestID: manifest.id, version: manifest.version, manifestTimestamp: manifest.timestamp,
            agentID: manifest.agent.agentID, orgID: manifest.agent.orgID, userID: manifest.agent.userID,
            provider: p.provider, method: p.method, parameters: p.parameters,
            reasoning: manifest.justification.reasoning, confidenceScore: manifest.justification.confidenceScore,
            context: manifest.justification.context, environment: manifest.environment, approved: p.approved,
            denialReason: seal.denialReason, policyVersion: p.policyVersion, createdAt: p.issuedAt)
    }
}

extension ManifestRecord {
    /// The `manifest` member of a `manifest` body; the same names are the `manifests` columns.
    public static let schema = RecordSchema<ManifestRecord>(
        blank: ManifestRecord(
            manifestID: "", version: "", manifestTimestamp: .init(microseconds: 0), agentID: "", orgID: "", userID: nil,
            provider: "", method: "", parameters: [:], reasoning: "", confidenceScore: nil, context: nil, environment: "",
            approved: false, denialReason: nil, policyVersion: "", createdAt: .init(microseconds: 0)),
        fields: [
            .init("manifest_id", \.manifestID, .uuid),
            .init("version", \.version, .text),
            .init("manifest_timestamp", \.manifestTimestamp, .timestamp),
            .init("agent_id", \.agentID, .text),
            .init("org_id", \.orgID, .text),
            .init("user_id", \.userID, .optional(.text)),
            .init("provider", \.provider, .text),
            .init("method", \.method, .text),
            .init("parameters", \.parameters, .object),
            .init("reasoning", \.reasoning, .text),
            .init("confidence_score", \.confidenceScore, .optional(.double)),
            .init("context", \.context, .optional(.object)),
            .init("environment", \.environment, .text),
            .init("approved", \.approved, .boolean),
            .init("denial_reason", \.denialReason, .optional(.text)),
            .init("policy_version", \.policyVersion, .text),
            .init("created_at", \.createdAt, .timestamp),
        ])
}
