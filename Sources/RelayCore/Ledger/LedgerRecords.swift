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

    var json: JSONValue {
        .object([
            "manifest_id": .string(manifestID), "version": .string(version),
            "manifest_timestamp": .string(manifestTimestamp.iso8601), "agent_id": .string(agentID),
            "org_id": .string(orgID), "user_id": .optional(userID), "provider": .string(provider),
            "method": .string(method), "parameters": .object(parameters), "reasoning": .string(reasoning),
            "confidence_score": confidenceScore.map { .number($0) } ?? .null,
            "context": context.map { .object($0) } ?? .null, "environment": .string(environment),
            "approved": .bool(approved), "denial_reason": .optional(denialReason),
            "policy_version": .string(policyVersion), "created_at": .string(createdAt.iso8601),
        ])
    }
}

/// The seal row of a decision, as the ledger records it (every `seals` column but `region`,
/// `manifest_id` and the execution state, which the `seal_executed` entry records).
public struct SealRecord: Sendable, Equatable {
    public var sealID: String
    public var approved: Bool
    public var policyVersion: String
    public var denialReason: String?
    public var keyID: String
    public var publicKey: [UInt8]
    public var signature: [UInt8]
    public var signedPayload: [UInt8]
    public var issuedAt: Timestamp
    public var expiresAt: Timestamp

    /// Creates a record.
    public init(
        sealID: String, approved: Bool, policyVersion: String, denialReason: String?, keyID: String,
        publicKey: [UInt8], signature: [UInt8], signedPayload: [UInt8], issuedAt: Timestamp, expiresAt: Timestamp
    ) {
        self.sealID = sealID
        self.approved = approved
        self.policyVersion = policyVersion
        self.denialReason = denialReason
        self.keyID = keyID
        self.publicKey = publicKey
        self.signature = signature
        self.signedPayload = signedPayload
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }

    /// The record of `seal`.
    public init(_ seal: Seal) {
        let p = seal.payload
        sealID = p.sealID
        approved = p.approved
        policyVersion = p.policyVersion
        denialReason = seal.denialReason
        keyID = p.keyID
        publicKey = seal.publicKey
        signature = seal.signature
        signedPayload = seal.signedPayload
        issuedAt = p.issuedAt
        expiresAt = p.expiresAt
    }

    var json: JSONValue {
        .object([
            "seal_id": .string(sealID), "approved": .bool(approved), "policy_version": .string(policyVersion),
            "denial_reason": .optional(denialReason), "key_id": .string(keyID),
            "public_key": .string(Base64.encode(publicKey)), "signature": .string(Base64.encode(signature)),
            "signed_payload": .string(Base64.encode(signedPayload)), "issued_at": .string(issuedAt.iso8601),
            "expires_at": .string(expiresAt.iso8601),
        ])
    }
}

/// An organization as registered (`is_active` is state, not history, and is not recorded).
public struct OrgRecord: Sendable, Equatable {
    public var orgID: String
    public var orgName: String
    public var contactEmail: String
    public var createdAt: Timestamp

    /// Creates a record.
    public init(orgID: String, orgName: String, contactEmail: String, createdAt: Timestamp) {
        self.orgID = orgID
        self.orgName = orgName
        self.contactEmail = contactEmail
        self.createdAt = createdAt
    }
}

/// An agent as registered.
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

/// An `auth_events` row.
public struct AuthEventRecord: Sendable, Equatable {
    public var eventID: String
    public var eventType: String
    public var success: Bool
    public var agentID: String?
    public var orgID: String?
    public var endpoint: String?
    public var clientIP: String?
    public var reason: String?
    public var createdAt: Timestamp

    /// Creates a record.
    public init(
        eventID: String, eventType: String, success: Bool, agentID: String?, orgID: String?, endpoint: String?,
        clientIP: String?, reason: String?, createdAt: Timestamp
    ) {
        self.eventID = eventID
        self.eventType = eventType
        self.success = success
        self.agentID = agentID
        self.orgID = orgID
        self.endpoint = endpoint
        self.clientIP = clientIP
        self.reason = reason
        self.createdAt = createdAt
    }
}
