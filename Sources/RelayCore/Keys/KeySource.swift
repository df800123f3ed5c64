import Foundation

/// Where a signing key's base64 seed comes from: an environment variable, a file (mode 0600) or
/// a secret store mounted as files (Docker and ECS secrets under `/run/secrets`).
///
/// Written as `env:RELAY_LEDGER_KEY`, `file:/etc/relay/ledger.key` or `secret:relay/us-east-1/ledger`
/// (read from `$RELAY_SECRETS_DIR/relay/us-east-1/ledger`, default `/run/secrets/…`).
/// Reading the key is `load(environment:)` in RelaySystem; this module only names the source.
public enum KeySource: Sendable, Hashable, CustomStringConvertible {
    /// The seed is the value of this environment variable.
    case environment(String)
    /// The seed is the content of this file, which must not be readable by group or others.
    case file(String)
    /// The seed is the content of this secret, relative to the secrets directory.
    case secret(String)

    /// The environment variable naming the secrets directory.
    public static let secretsDirectoryVariable = "RELAY_SECRETS_DIR"
    /// Where Docker and ECS mount secrets when `RELAY_SECRETS_DIR` is not set.
    public static let defaultSecretsDirectory = "/run/secrets"

    /// Parses `env:NAME`, `file:PATH` or `secret:NAME`.
    public init(parsing text: String) throws(KeySourceError) {
        let usage = "expected env:NAME, file:/path/to/key or secret:NAME"
        guard let colon = text.firstIndex(of: ":") else {
            throw KeySourceError(.malformedSource, source: text, reason: "not a key source (\(usage))")
        }
        let scheme = text[..<colon]
        let rest = String(text[text.index(after: colon)...])
        switch scheme {
        case "env":
            guard rest.range(of: #"^[A-Za-z_][A-Za-z0-9_]*$"#, options: .regularExpression) != nil else {
                throw KeySourceError(.malformedSource, source: text, reason: "'\(rest)' is not an environment variable name")
            }
            self = .environment(rest)
        case "file":
            guard !rest.isEmpty else {
                throw KeySourceError(.malformedSource, source: text, reason: "empty path (\(usage))")
            }
            self = .file(rest)
        case "secret":
            let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
            let safe =
                !rest.isEmpty && !rest.hasPrefix("/")
                && parts.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
                && rest.range(of: #"^[A-Za-z0-9._/-]+$"#, options: .regularExpression) != nil
            guard safe else {
                throw KeySourceError(
                    .malformedSource, source: text,
                    reason: "'\(rest)' is not a secret name (relative, letters, digits, '.', '_', '-' and '/', no '..')")
            }
            self = .secret(rest)
        default:
            throw KeySourceError(.malformedSource, source: text, reason: "unknown kind '\(scheme)' (\(usage))")
        }
    }

    /// `env:NAME`, `file:PATH` or `secret:NAME`.
    public var description: String {
        switch self {
        case .environment(let name): "env:\(name)"
        case .file(let path): "file:\(path)"
        case .secret(let name): "secret:\(name)"
        }
    }

    /// The file this source reads, nil for an environment variable.
    public func path(environment: [String: String]) -> String? {
        switch self {
        case .environment: return nil
        case .file(let path): return path
        case .secret(let name):
            var directory = environment[Self.secretsDirectoryVariable].flatMap { $0.isEmpty ? nil : $0 }
                ?? Self.defaultSecretsDirectory
            while directory.count > 1, directory.hasSuffix("/") { directory.removeLast() }
            return directory + "/" + name
        }
    }
}
