import Foundation

/// Where and how the OPA engine reaches its OPA server (docs/opa.md).
///
/// Values are validated and normalised on creation: the URL is `http(s)://host[:port][/prefix]`
/// without credentials, query or fragment (a trailing `/` is dropped); the policy path is the
/// data path of the decision document, `relay/policies/main` by default, without leading or
/// trailing `/`.
public struct OPAConfiguration: Sendable, Equatable {
    /// The OPA server's base URL, without a trailing `/` (for example `http://127.0.0.1:8181`).
    public let url: String
    /// Data path of the decision document, e.g. `relay/policies/main` (queried at `/v1/data/{path}`).
    public let policyPath: String
    /// Connect timeout and read timeout, each; a whole request gets at most twice this.
    public let timeout: Duration

    /// OPA's conventional address for a sidecar.
    public static let defaultURL = "http://127.0.0.1:8181"
    /// The package the compiler emits: `relay.policies.main`.
    public static let defaultPolicyPath = "relay/policies/main"
    /// Short, so that a hung OPA turns into a quick 503 instead of piling up requests.
    public static let defaultTimeout = Duration.milliseconds(500)
    /// Data path of the policy version string (`package relay.metadata`, rule `version`).
    public static let versionPath = "relay/metadata/version"

    /// Validates and normalises the settings; the error names the setting at fault.
    public init(
        url: String, policyPath: String = defaultPolicyPath, timeout: Duration = defaultTimeout
    ) throws(OPAConfigurationError) {
        self.url = try Self.normalise(url: url)
        self.policyPath = try Self.normalise(policyPath: policyPath)
        guard timeout > .zero else { throw OPAConfigurationError(setting: .timeout, reason: "must be positive") }
        self.timeout = timeout
    }

    /// The URL of data document `path` (a `/`-separated data path).
    public func dataURL(_ path: String) -> String { url + "/v1/data/" + path }

    static func normalise(url raw: String) throws(OPAConfigurationError) -> String {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https"
        else {
            throw OPAConfigurationError(
                setting: .url, reason: "expected an http:// or https:// URL such as \(defaultURL) (got '\(text)')")
        }
        // Never echo a URL that carries credentials: it would put a secret in a log line.
        guard components.user == nil, components.password == nil else {
            throw OPAConfigurationError(setting: .url, reason: "credentials in the URL are not supported; remove 'user:password@'")
        }
        guard let host = components.host, !host.isEmpty else {
            throw OPAConfigurationError(setting: .url, reason: "missing host (got '\(text)'; expected e.g. \(defaultURL))")
        }
        guard components.query == nil, components.fragment == nil else {
            throw OPAConfigurationError(setting: .url, reason: "must not have a query or fragment (got '\(text)')")
        }
        if let port = components.port, !(1...65535).contains(port) {
            throw OPAConfigurationError(setting: .url, reason: "port must be 1-65535 (got '\(text)')")
        }
        var normalised = text
        while normalised.hasSuffix("/") { normalised.removeLast() }
        return normalised
    }

    static func normalise(policyPath raw: String) throws(OPAConfigurationError) -> String {
        let segments = raw.split(separator: "/", omittingEmptySubsequences: true)
        guard !segments.isEmpty else {
            throw OPAConfigurationError(setting: .policyPath, reason: "must name a data document, e.g. \(defaultPolicyPath)")
        }
        for segment in segments {
            let valid = segment.utf8.allSatisfy { byte in
                (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == 0x5F || byte == 0x2D
            }
            guard valid else {
                throw OPAConfigurationError(
                    setting: .policyPath,
                    reason: "segment '\(segment)' may only use letters, digits, '_' and '-' (got '\(raw)')")
            }
        }
        return segments.joined(separator: "/")
    }
}
