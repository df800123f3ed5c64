/// A signed policy decision for one manifest, plus its one-time execution state.
public struct Seal: Sendable, Equatable {
    /// The signed fields.
    public var payload: SealPayload
    public var denialReason: String?
    public var signature: [UInt8]
    public var publicKey: [UInt8]
    /// The bytes the signature covers, as stored (so verifiers need not re-derive them).
    public var signedPayload: [UInt8]
    public var wasExecuted: Bool
    public var executedAt: Timestamp?

    /// Creates a seal.
    public init(
        payload: SealPayload, denialReason: String?, signature: [UInt8], publicKey: [UInt8],
        signedPayload: [UInt8], wasExecuted: Bool = false, executedAt: Timestamp? = nil
    ) {
        self.payload = payload
        self.denialReason = denialReason
        self.signature = signature
        self.publicKey = publicKey
        self.signedPayload = signedPayload
        self.wasExecuted = wasExecuted
        self.executedAt = executedAt
    }

    /// `seal_id` = `seal_<region>_<32 hex>`: globally unique, and names the home region.
    public static func makeID(region: String) -> String {
        "seal_\(region)_\(Hex.random(bytes: 16))"
    }

    /// The home region named by a seal id of Relay's form (``makeID(region:)``: `seal_`, a region
    /// id, `_`, 32 lower-case hex digits); nil for any other text, which names no region.
    public static func homeRegion(ofSealID id: String) -> String? {
        // Region ids have no '_', so a well-formed id has exactly three parts.
        let parts = id.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "seal", Region.isValidID(String(parts[1])),
            parts[2].utf8.count == 32, parts[2].utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        return String(parts[1])
    }

    /// The seal object of the HTTP API (docs/seal-format.md).
    public var jsonValue: JSONValue {
        .object([
            "seal_id": .string(payload.sealID),
            "manifest_id": .string(payload.manifestID),
            "approved": .bool(payload.approved),
            "policy_version": .string(payload.policyVersion),
            "denial_reason": denialReason.map { .string($0) } ?? .null,
            "signature": .string(Base64.encode(signature)),
            "public_key": .string(Base64.encode(publicKey)),
            "issued_at": .string(payload.issuedAt.iso8601),
            "expires_at": .string(payload.expiresAt.iso8601),
            "was_executed": .bool(wasExecuted),
            "executed_at": executedAt.map { .string($0.iso8601) } ?? .null,
            "region": .string(payload.region),
            "key_id": .string(payload.keyID),
            "signed_payload": .string(Base64.encode(signedPayload)),
        ])
    }
}
