/// What ``RegoCompiler`` produces for one ``PolicySet``: the decision module and the metadata
/// module, plus the policy version both carry.
public struct RegoModules: Sendable, Equatable {
    /// `package relay.policies.main`: the decision document `{allow, reason, policy_version, …}`.
    public let main: RegoModule
    /// `package relay.metadata`: `version`, read by health checks.
    public let metadata: RegoModule
    /// The policy version compiled in (``PolicySet/version``).
    public let policyVersion: String

    /// Creates the pair.
    public init(main: RegoModule, metadata: RegoModule, policyVersion: String) {
        self.main = main
        self.metadata = metadata
        self.policyVersion = policyVersion
    }

    /// Both modules in push order: the decision module first, then the metadata module.
    public var all: [RegoModule] { [main, metadata] }

    /// OPA policy id of the decision module.
    public static let mainID = "relay-main"
    /// OPA policy id of the metadata module.
    public static let metadataID = "relay-metadata"
}
