/// Why a signing key could not be loaded from its ``KeySource``. Messages name the source (a
/// variable, a path or a secret name) and never the key material.
public struct KeySourceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Kind: Sendable, Equatable {
        /// The source text is not `env:NAME`, `file:PATH` or `secret:NAME`.
        case malformedSource
        /// The environment variable is unset or empty.
        case notSet
        /// The file does not exist or cannot be read.
        case unreadable
        /// The file's permissions let other users read (or change) it.
        case exposed
        /// The content is not a base64 32-byte Ed25519 seed.
        case invalidKey
    }

    /// What kind of problem it is.
    public let kind: Kind
    /// The source as written (`env:RELAY_LEDGER_KEY`, `file:/etc/relay/ledger.key`, …).
    public let source: String
    /// What is wrong and what to do, in one line.
    public let reason: String

    /// Creates an error.
    public init(_ kind: Kind, source: String, reason: String) {
        self.kind = kind
        self.source = source
        self.reason = reason
    }

    /// `source: reason`.
    public var description: String { "\(source): \(reason)" }
}
