import Foundation
import RelayCore

/// Reading a key source: the environment variable, the key file or the mounted secret.
extension KeySource {
    /// Loads the signing key. `environment` defaults to the process environment.
    public func load(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(KeySourceError) -> SigningKey {
        let seedText = try loadText(environment: environment)
        do {
            return try SigningKey(base64Seed: seedText)
        } catch {
            throw KeySourceError(.invalidKey, source: description, reason: "\(error) (expected a base64 32-byte Ed25519 seed)")
        }
    }

    /// The source's text as it is (a PEM private key, say), with the checks of `load`: a `file:`
    /// must not be readable or writable by group or others, a `secret:` not writable by them, and
    /// a file is at most `maximumBytes` long.
    public func loadText(
        environment: [String: String] = ProcessInfo.processInfo.environment, maximumBytes: Int = KeyFile.maximumBytes
    ) throws(KeySourceError) -> String {
        switch self {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw KeySourceError(.notSet, source: description, reason: "environment variable \(name) is not set")
            }
            return value
        case .file(let path):
            // A key file is private to the service's user.
            return try KeyFile.read(path, source: description, forbiddenModeBits: 0o077, maximumBytes: maximumBytes)
        case .secret:
            // Secret stores control access with their own mount and usually mount files 0444
            // (Docker) or 0644 (Kubernetes), so only writable-by-others is refused here.
            return try KeyFile.read(
                path(environment: environment)!, source: description, forbiddenModeBits: 0o022, maximumBytes: maximumBytes)
        }
    }
}
