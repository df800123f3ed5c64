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
        self.init(
            sealID: p.sealID, approved: p.approved, policyVersion: p.policyVersion, denialReason: seal.denialReason,
            keyID: p.keyID, publicKey: seal.publicKey, signature: seal.signature, signedPayload: seal.signedPayload,
            issuedAt: p.issuedAt, expiresAt: p.expiresAt)
    }
}

extension SealRecord {
    /// The `seal` member of a `manifest` body; the same names are `seals` columns.
    public static let schema = RecordSchema<SealRecord>(
        blank: SealRecord(
            sealID: "", approved: false, policyVersion: "", denialReason: nil, keyID: "", publicKey: [], signature: [],
            signedPayload: [], issuedAt: .init(microseconds: 0), expiresAt: .init(microseconds: 0)),
        fields: [
            .init("seal_id", \.sealID, .text),
            .init("approved", \.approved, .boolean),
            .init("policy_version", \.policyVersion, .text),
            .init("denial_reason", \.denialReason, .optional(.text)),
            .init("key_id", \.keyID, .text),
            .init("public_key", \.publicKey, .bytes),
            .init("signature", \.signature, .bytes),
            .init("signed_payload", \.signedPayload, .bytes),
            .init("issued_at", \.issuedAt, .timestamp),
            .init("expires_at", \.expiresAt, .timestamp),
        ])
}
