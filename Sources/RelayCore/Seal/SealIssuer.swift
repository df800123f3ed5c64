/// Signs seals for one region with its current seal key.
public struct SealIssuer: Sendable {
    /// This region's id (goes into `seal_id` and the payload).
    public let region: String
    /// The current seal signing key.
    public let key: SigningKey
    /// How long a seal stays executable.
    public let ttlMinutes: Int

    /// Creates an issuer.
    public init(region: String, key: SigningKey, ttlMinutes: Int) {
        self.region = region
        self.key = key
        self.ttlMinutes = ttlMinutes
    }

    /// Signs the decision on `manifest` at `now`.
    public func issue(for manifest: Manifest, approved: Bool, denialReason: String?, policyVersion: String, now: Timestamp) -> Seal {
        let payload = SealPayload(
            manifestID: manifest.id, timestamp: manifest.timestamp, agentID: manifest.agent.agentID,
            orgID: manifest.agent.orgID, provider: manifest.action.provider, method: manifest.action.method,
            parameters: manifest.action.parameters, policyVersion: policyVersion, approved: approved,
            sealID: Seal.makeID(region: region), region: region, keyID: key.keyID,
            issuedAt: now, expiresAt: now.adding(minutes: ttlMinutes))
        let bytes = payload.signedBytes
        return Seal(
            payload: payload, denialReason: denialReason, signature: key.sign(bytes),
            publicKey: key.publicKey, signedPayload: bytes)
    }
}
