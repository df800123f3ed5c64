import Foundation
import NIOSSL
import RelayCore
import RelaySystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// PEM certificates and private keys named by relay-dr's TLS settings. NIOSSL only says "failed
/// to load"; these errors name the setting, the file and what is wrong with it.
enum PEMFile {
    /// Largest certificate file read (a full system CA bundle is about 200 KiB).
    static let maximumCertificateBytes = 4 << 20
    /// Largest private key read (an RSA 8192 key in PEM is under 7 KiB).
    static let maximumKeyBytes = 64 << 10

    /// Every certificate of the PEM file at `path`, in file order (at least one).
    static func certificates(_ path: String, setting: String) throws(ConfigurationError) -> [NIOSSLCertificate] {
        let text = try read(path, setting: setting)
        guard text.contains("-----BEGIN CERTIFICATE-----") else {
            let hint = text.contains("PRIVATE KEY-----") ? "; it holds a private key, this setting takes certificates" : ""
            throw ConfigurationError(
                setting: setting, reason: "\(path) is not a PEM certificate file (no -----BEGIN CERTIFICATE----- block)\(hint)")
        }
        do {
            return try NIOSSLCertificate.fromPEMBytes(Array(text.utf8))
        } catch {
            throw ConfigurationError(setting: setting, reason: "\(path): a certificate block does not parse (damaged PEM?)")
        }
    }

    /// Refuses `certificates` (read from `path`) when the leaf, the first, is outside its validity period.
    static func checkValidity(_ certificates: [NIOSSLCertificate], path: String, setting: String, now: Date) throws(ConfigurationError) {
        guard let leaf = certificates.first else { return }
        let seconds = now.timeIntervalSince1970
        if Double(leaf.notValidAfter) < seconds {
            throw ConfigurationError(setting: setting, reason: "the certificate in \(path) expired on \(Self.date(leaf.notValidAfter))")
        }
        if Double(leaf.notValidBefore) > seconds {
            throw ConfigurationError(
                setting: setting, reason: "the certificate in \(path) is not valid before \(Self.date(leaf.notValidBefore))")
        }
    }

    /// The private key named by `value`: a path, or a key source (`file:PATH`, `secret:NAME`,
    /// `env:VAR`). Files get the key-file checks: a `file:` (or bare path) readable or writable by
    /// group or others is refused, like the ledger key's.
    static func privateKey(
        _ value: String, setting: String, environment: [String: String]
    ) throws(ConfigurationError) -> NIOSSLPrivateKey {
        let source: KeySource
        if ["env:", "file:", "secret:"].contains(where: value.hasPrefix) {
            do { source = try KeySource(parsing: value) } catch { throw ConfigurationError(setting: setting, reason: "\(error)") }
        } else {
            source = .file(value)
        }
        let text: String
        do { text = try source.loadText(environment: environment, maximumBytes: maximumKeyBytes) } catch {
            throw ConfigurationError(setting: setting, reason: "\(error)")
        }
        let place = source.path(environment: environment) ?? source.description
        if text.contains("ENCRYPTED") {
            // A daemon has nobody to type a passphrase.
            throw ConfigurationError(
                setting: setting,
                reason: "\(place) is an encrypted private key; relay-dr cannot ask for a passphrase (decrypt it: openssl pkey -in KEY -out KEY.plain, then chmod 600)")
        }
        guard text.contains("-----BEGIN"), text.contains("PRIVATE KEY-----") else {
            let hint = text.contains("-----BEGIN CERTIFICATE-----") ? "; it holds a certificate, this setting takes its private key" : ""
            throw ConfigurationError(
                setting: setting, reason: "\(place) is not a PEM private key (no -----BEGIN … PRIVATE KEY----- block)\(hint)")
        }
        do {
            return try NIOSSLPrivateKey(bytes: Array(text.utf8), format: .pem) { (_: NIOSSLPassphraseSetter<[UInt8]>) in
                throw NIOSSLError.failedToLoadPrivateKey
            }
        } catch {
            throw ConfigurationError(setting: setting, reason: "\(place): the private key block does not parse (damaged PEM?)")
        }
    }

    /// The text of the (public) file at `path`.
    private static func read(_ path: String, setting: String) throws(ConfigurationError) -> String {
        do {
            return try KeyFile.read(
                path, source: setting, forbiddenModeBits: 0, maximumBytes: maximumCertificateBytes, kind: "a PEM certificate file")
        } catch {
            throw ConfigurationError(setting: setting, reason: error.reason)
        }
    }

    private static func date(_ seconds: time_t) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(seconds)))
    }
}
