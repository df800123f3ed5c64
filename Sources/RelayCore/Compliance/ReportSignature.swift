import Foundation

/// A detached signature of a report file (`relay-dr report --sign` writes it as `FILE.sig`):
/// Ed25519 over the exact bytes of the file, with the key that made it. Any Ed25519 tool can
/// check it (`openssl pkeyutl -verify -rawin`); `relay-dr report verify` also checks that the key
/// is one the region files list.
public struct ReportSignature: Sendable, Equatable, Codable {
    public static let format = "relay-report-signature-v1"

    public var format: String
    /// `ed25519`.
    public var algorithm: String
    /// First 16 hex of SHA-256(public key).
    public var keyID: String
    /// The 32-byte public key, hex.
    public var publicKey: String
    /// SHA-256 of the signed file, hex (to tell a changed file from a wrong key at a glance).
    public var fileSHA256: String
    /// The 64-byte signature, base64.
    public var signature: String

    /// Signs `file`'s bytes with `key`.
    public init(signing file: [UInt8], with key: SigningKey) {
        format = Self.format
        algorithm = "ed25519"
        keyID = key.keyID
        publicKey = Hex.encode(key.publicKey)
        fileSHA256 = Hex.encode(Digest.sha256(file))
        signature = Base64.encode(key.sign(file))
    }

    /// The signature file's bytes: canonical JSON and a newline.
    public func fileBytes() throws -> [UInt8] {
        try CompliancePayload.canonical(self) + [UInt8(ascii: "\n")]
    }

    /// Reads a signature file.
    public static func parse(_ bytes: [UInt8]) throws -> ReportSignature {
        try JSONDecoder().decode(ReportSignature.self, from: Data(bytes))
    }

    /// Why a signature does not hold, or nil when it does: the key id matches the key, the key is
    /// `trusted` (when given), and the signature verifies over `file`.
    public func problem(file: [UInt8], trusted: [[UInt8]]?) -> String? {
        guard format == Self.format, algorithm == "ed25519" else { return "not a \(Self.format) ed25519 signature" }
        guard let key = Hex.decode(publicKey), key.count == 32 else { return "public_key is not 32 bytes of hex" }
        guard SigningKey.keyID(of: key) == keyID else { return "key_id \(keyID) does not match the public key" }
        if let trusted, !trusted.contains(key) { return "key \(keyID) is not a trusted key" }
        guard let sig = Base64.decode(signature), sig.count == 64 else { return "signature is not 64 bytes of base64" }
        guard Ed25519.verify(signature: sig, message: file, publicKey: key) else {
            let digest = Hex.encode(Digest.sha256(file))
            return digest == fileSHA256
                ? "the signature does not verify with key \(keyID)"
                : "the file changed since it was signed (SHA-256 \(digest), signed \(fileSHA256))"
        }
        return nil
    }

    enum CodingKeys: String, CodingKey {
        case format, algorithm, signature
        case keyID = "key_id", publicKey = "public_key", fileSHA256 = "file_sha256"
    }
}
