import Crypto
import Foundation

/// Why key material was rejected. Messages never include the secret itself.
public enum KeyError: Error, Sendable, CustomStringConvertible, Equatable {
    case notBase64(what: String)
    case wrongLength(what: String, expected: Int, actual: Int)
    case weakPublicKey(String)

    public var description: String {
        switch self {
        case .notBase64(let what): "\(what) is not valid base64"
        case .wrongLength(let what, let expected, let actual):
            "\(what) must be \(expected) bytes, got \(actual)"
        case .weakPublicKey(let why): "public key rejected: \(why)"
        }
    }
}

/// An Ed25519 signing key (seals now; ledger batches later), identified by its `key_id`.
public struct SigningKey: Sendable {
    private let key: Curve25519.Signing.PrivateKey
    /// The 32-byte Ed25519 public key.
    public let publicKey: [UInt8]
    /// First 16 hex characters of SHA-256(public key) (docs/regions-and-keys.md).
    public let keyID: String

    /// Loads a key from its 32-byte seed.
    public init(seed: [UInt8]) throws(KeyError) {
        guard seed.count == 32 else { throw .wrongLength(what: "Ed25519 seed", expected: 32, actual: seed.count) }
        do {
            key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        } catch {
            throw .wrongLength(what: "Ed25519 seed", expected: 32, actual: seed.count)
        }
        publicKey = Array(key.publicKey.rawRepresentation)
        keyID = Self.keyID(of: publicKey)
    }

    /// Loads a key from a base64 seed (how `RELAY_PRIVATE_KEY` and key files carry it).
    public init(base64Seed: String) throws(KeyError) {
        let trimmed = base64Seed.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: trimmed) else { throw .notBase64(what: "Ed25519 seed") }
        try self.init(seed: Array(data))
    }

    /// A fresh random key.
    public static func generate() -> (key: SigningKey, seed: [UInt8]) {
        let seed = Array(Curve25519.Signing.PrivateKey().rawRepresentation)
        // A freshly generated 32-byte seed always loads.
        return (try! SigningKey(seed: seed), seed)
    }

    /// Signs `message` (Ed25519, RFC 8032).
    public func sign(_ message: [UInt8]) -> [UInt8] {
        // Signing only fails on allocation failure inside BoringSSL.
        Array(try! key.signature(for: message))
    }

    /// `key_id` of a public key.
    public static func keyID(of publicKey: [UInt8]) -> String {
        String(Hex.encode(Array(SHA256.hash(data: publicKey))).prefix(16))
    }
}

/// Ed25519 verification.
public enum Ed25519 {
    /// True when `signature` is a valid Ed25519 signature of `message` by `publicKey`.
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == 64,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey)
        else { return false }
        return key.isValidSignature(signature, for: message)
    }
}
