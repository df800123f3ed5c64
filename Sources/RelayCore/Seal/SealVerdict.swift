/// The answer of `GET /v1/seal/verify`: computed from the stored seal, the payload rebuilt from
/// the stored manifest rows, and the keys this region trusts — never from the stored public key
/// alone, so a row rewritten behind the triggers cannot vouch for itself.
public struct SealVerdict: Sendable, Equatable {
    public var signatureValid: Bool
    public var approved: Bool
    public var expired: Bool
    public var alreadyExecuted: Bool
    /// Why the seal is not valid; nil when valid.
    public var reason: String?

    /// valid = signature ok ∧ approved ∧ not expired ∧ not executed.
    public var valid: Bool { signatureValid && approved && !expired && !alreadyExecuted }

    /// Judges `seal`, whose payload was rebuilt from the database rows (not taken from the stored
    /// `signed_payload`). `trustedKeys` maps `key_id` to public key.
    public static func judge(seal: Seal, trustedKeys: [String: [UInt8]], now: Timestamp) -> SealVerdict {
        let rebuilt = seal.payload
        var signatureValid = false
        var reason: String?
        if let key = trustedKeys[rebuilt.keyID] {
            signatureValid = Ed25519.verify(signature: seal.signature, message: rebuilt.signedBytes, publicKey: key)
            if !signatureValid { reason = "Invalid signature" }
        } else {
            reason = "Unknown signing key \(rebuilt.keyID)"
        }
        let expired = now >= rebuilt.expiresAt
        if reason == nil {
            if !rebuilt.approved {
                reason = "Seal was not approved" + (seal.denialReason.map { ": \($0)" } ?? "")
            } else if seal.wasExecuted {
                reason = "Seal already executed"
            } else if expired {
                reason = "Seal expired"
            }
        }
        return SealVerdict(
            signatureValid: signatureValid, approved: rebuilt.approved, expired: expired,
            alreadyExecuted: seal.wasExecuted, reason: reason)
    }
}
