import RelayCore

/// A policy engine.
///
/// Input is the policy input document (docs/policies.md):
/// `{manifest_id, timestamp, agent: {agent_id, org_id, user_id?}, action: {provider, method, parameters},
/// justification, environment}`.
public protocol PolicyEngine: Sendable {
    /// Evaluates one policy input document. Throws when the engine cannot decide (the gateway then
    /// fails closed with 503 and writes nothing).
    func evaluate(_ input: JSONValue) async throws -> PolicyDecision
    /// Current policy version string.
    func policyVersion() async throws -> String
    /// Engine name for health output ("builtin" or "opa").
    var name: String { get }
}
