/// A public key a region signs with, and when it is (or was) in use (docs/regions-and-keys.md).
///
/// Keys are never deleted from a region file: a retired key gets a `valid_until` and stays
/// listed, so what it signed stays verifiable.
public struct RegionKey: Sendable, Hashable {
    /// What the key signs.
    public var purpose: KeyPurpose
    /// First 16 hex characters of SHA-256(public key).
    public var keyID: String
    /// The 32-byte Ed25519 public key.
    public var publicKey: [UInt8]
    /// First instant the key may sign.
    public var validFrom: Timestamp
    /// Instant from which the key no longer signs; nil while it is current.
    public var validUntil: Timestamp?

    /// Creates a key entry; `keyID` is derived from `publicKey`.
    public init(purpose: KeyPurpose, publicKey: [UInt8], validFrom: Timestamp, validUntil: Timestamp? = nil) {
        self.purpose = purpose
        self.publicKey = publicKey
        self.keyID = SigningKey.keyID(of: publicKey)
        self.validFrom = validFrom
        self.validUntil = validUntil
    }

    /// True when the key's validity window contains `instant` (`valid_from <= instant < valid_until`).
    public func isValid(at instant: Timestamp) -> Bool {
        validFrom <= instant && validUntil.map { instant < $0 } ?? true
    }

    /// True once `valid_until` has passed: the key no longer signs but still verifies.
    public func isRetired(at instant: Timestamp) -> Bool {
        validUntil.map { $0 <= instant } ?? false
    }
}
