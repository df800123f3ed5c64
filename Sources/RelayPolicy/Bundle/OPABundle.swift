import RelayCore

/// An OPA bundle of the compiled policies (`relay-gateway policy bundle`), for OPA's bundle
/// service (an OPA sidecar polling S3 or any HTTP server): `.manifest` with the policy version as
/// `revision` and `relay` as the only root, and the two Rego modules. OPA activates a new bundle
/// whole, so a sidecar switches sets without a restart, like the builtin engine's reload.
public struct OPABundle: Sendable {
    /// The compiled modules.
    public let modules: RegoModules

    /// A bundle of `policies`, compiled to Rego.
    public init(policies: PolicySet) {
        modules = RegoCompiler.compile(policies)
    }

    /// The bundle's revision: the policy version the modules were compiled from.
    public var revision: String { modules.policyVersion }

    /// The files of the bundle, in archive order.
    public var files: [TarGzip.File] {
        let manifest: JSONValue = ["revision": .string(revision), "roots": ["relay"]]
        return [
            TarGzip.File(path: ".manifest", bytes: CanonicalJSON.bytes(manifest)),
            TarGzip.File(path: Self.path(of: modules.main), bytes: Array(modules.main.text.utf8)),
            TarGzip.File(path: Self.path(of: modules.metadata), bytes: Array(modules.metadata.text.utf8)),
        ]
    }

    /// The `bundle.tar.gz` bytes.
    public var archive: [UInt8] { TarGzip.archive(files) }

    /// `relay.policies.main` → `relay/policies/main.rego`.
    static func path(of module: RegoModule) -> String {
        module.package.split(separator: ".").joined(separator: "/") + ".rego"
    }
}
