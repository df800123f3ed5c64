/// A public key that was in force (valid) at some time in the period, from the region files.
public struct ComplianceKey: Sendable, Equatable, Codable {
    public var region: String
    /// `ledger` or `seal`.
    public var purpose: String
    /// First 16 hex of SHA-256(public key), as in batches and seals.
    public var keyID: String
    /// The full SHA-256 of the public key, hex: what an auditor compares out of band.
    public var fingerprint: String
    /// The 32-byte public key, hex.
    public var publicKey: String
    public var validFrom: Timestamp
    /// Nil while the key is current.
    public var validUntil: Timestamp?

    /// Creates a key entry.
    public init(region: String, purpose: String, keyID: String, fingerprint: String, publicKey: String, validFrom: Timestamp, validUntil: Timestamp?) {
        self.region = region
        self.purpose = purpose
        self.keyID = keyID
        self.fingerprint = fingerprint
        self.publicKey = publicKey
        self.validFrom = validFrom
        self.validUntil = validUntil
    }

    /// The entry of a region file's key.
    public init(region: String, key: RegionKey) {
        self.init(
            region: region, purpose: key.purpose.rawValue, keyID: key.keyID, fingerprint: Hex.encode(Digest.sha256(key.publicKey)),
            publicKey: Hex.encode(key.publicKey), validFrom: key.validFrom, validUntil: key.validUntil)
    }

    enum CodingKeys: String, CodingKey {
        case region, purpose, fingerprint
        case keyID = "key_id", publicKey = "public_key", validFrom = "valid_from", validUntil = "valid_until"
    }
}
