import RelayCore

/// The embedded policy engine: evaluates Relay's YAML rule format in process, no sidecar.
///
/// It never throws from ``evaluate(_:)``: every input gets a decision (an input that is not the
/// expected document simply matches fewer rules, and ends in "No policy matched").
public struct BuiltinPolicyEngine: PolicyEngine {
    /// The policies this engine evaluates.
    public let policies: PolicySet

    /// Creates an engine over already loaded policies.
    public init(policies: PolicySet) {
        self.policies = policies
    }

    /// Loads the policy files of `directory` (see ``PolicySet/load(directory:)``).
    public static func load(directory: String) throws(PolicyLoadError) -> BuiltinPolicyEngine {
        BuiltinPolicyEngine(policies: try PolicySet.load(directory: directory))
    }

    /// Engine name for health output: "builtin".
    public var name: String { "builtin" }

    /// Decides one policy input document (see ``PolicySet/evaluate(_:)``).
    public func evaluate(_ input: JSONValue) async throws -> PolicyDecision {
        policies.evaluate(input)
    }

    /// The loaded policy version (see ``PolicySet/version``).
    public func policyVersion() async throws -> String {
        policies.version
    }
}
