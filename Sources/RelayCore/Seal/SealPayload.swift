/// Exactly what a seal's signature covers (docs/seal-format.md): the decision, the action's identity, the
/// region and key, and the validity window. Signed as RFC 8785 canonical JSON.
public struct SealPayload: Sendable, Equatable {
    public var manifestID: String
    /// The manifest's own timestamp.
    public var timestamp: Timestamp
    public var agentID: String
    public var orgID: String
    public var provider: String
    public var method: String
    public var parameters: [String: JSONValue]
    public var policyVersion: String
    public var approved: Bool
    public var sealID: String
    public var region: String
    public var keyID: String
    public var issuedAt: Timestamp
    public var expiresAt: Timestamp

    /// Creates a payload.
    public init(
        manifestID: String, timestamp: Timestamp, agentID: String, orgID: String, provider: String,
        method: String, parameters: [String: JSONValue], policyVersion: String, approved: Bool,
        sealID: String, region: String, keyID: String, issuedAt: Timestamp, expiresAt: Timestamp
    ) {
        self.manifestID = manifestID
        self.timestamp = timestamp
        self.agentID = agentID
        self.orgID = orgID
        self.provider = provider
        self.method = method
        self.parameters = parameters
        self.policyVersion = policyVersion
        self.approved = approved
        self.sealID = sealID
        self.region = region
        self.keyID = keyID
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }

    /// The JSON object that is canonicalised and signed.
    public var jsonValue: JSONValue {
        .object([
            "manifest_id": .string(manifestID),
            "timestamp": .string(timestamp.iso8601),
            "agent_id": .string(agentID),
            "org_id": .string(orgID),
            "provider": .string(provider),
            "method": .string(method),
            "parameters": .object(parameters),
            "policy_version": .string(policyVersion),
            "approved": .bool(approved),
            "seal_id": .string(sealID),
            "region": .string(region),
            "key_id": .string(keyID),
            "issued_at": .string(issuedAt.iso8601),
            "expires_at": .string(expiresAt.iso8601),
        ])
    }

    /// The exact bytes signed.
    public var signedBytes: [UInt8] { CanonicalJSON.bytes(jsonValue) }
}
