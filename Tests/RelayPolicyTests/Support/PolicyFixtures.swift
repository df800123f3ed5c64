import Foundation
import RelayCore
import RelayPolicy
import RelayTestSupport

/// Builders for policy inputs, in-memory policies and temporary policy directories.
enum PolicyFixtures {
    /// The shipped policy directory (`gateway/policies` at the repository root).
    static var shippedPolicyDirectory: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }  // Support, RelayPolicyTests, Tests, root
        return url.path + "/gateway/policies"
    }

    /// A policy input document as the gateway builds it (docs/policies.md).
    static func input(
        provider: String? = "stripe", method: String? = "create_payment", environment: String? = "production",
        agentID: String? = "agent_0123456789abcdef", orgID: String? = "org_0123456789abcdef",
        parameters: [String: JSONValue]? = [:]
    ) -> JSONValue {
        var agent: [String: JSONValue] = [:]
        agent["agent_id"] = agentID.map(JSONValue.string)
        agent["org_id"] = orgID.map(JSONValue.string)
        var action: [String: JSONValue] = [:]
        action["provider"] = provider.map(JSONValue.string)
        action["method"] = method.map(JSONValue.string)
        action["parameters"] = parameters.map(JSONValue.object)
        var document: [String: JSONValue] = [
            "manifest_id": "7f1d3c1e-4a0b-4c8e-9d7a-2f0e6b5a9c11",
            "timestamp": "2026-01-15T10:00:00Z",
            "agent": .object(agent),
            "action": .object(action),
            "justification": ["reasoning": "test"],
        ]
        document["environment"] = environment.map(JSONValue.string)
        return .object(document)
    }

    /// A one-file policy set parsed from `yaml`.
    static func policies(_ yaml: String, file: String = "policy.yaml") throws -> PolicySet {
        try PolicySet(files: [PolicySet.parse(yaml: yaml, file: file)])
    }

    /// The error `PolicySet.parse` reports for `yaml`, or nil when it parses.
    static func parseError(_ yaml: String, file: String = "policies/test.yaml") -> PolicyLoadError? {
        do {
            _ = try PolicySet.parse(yaml: yaml, file: file)
            return nil
        } catch {
            return error
        }
    }

    /// The error `PolicySet.load(directory:)` reports for `directory`, or nil when it loads.
    static func loadError(directory: String) -> PolicyLoadError? {
        do {
            _ = try PolicySet.load(directory: directory)
            return nil
        } catch {
            return error
        }
    }

    /// Runs `body` with a fresh directory holding `files` (name → content), removed afterwards.
    static func withDirectory<T>(_ files: [String: String], _ body: (String) throws -> T) throws -> T {
        try TemporaryDirectory.with(prefix: "relay-policy-") { directory in
            for (name, content) in files {
                try Data(content.utf8).write(to: directory.url.appendingPathComponent(name))
            }
            return try body(directory.path)
        }
    }
}
