import RelayCore
import RelayGateway
import RelayPolicy
import Testing

/// `RELAY_POLICY_ENGINE` and the OPA settings, read from the environment.
struct PolicyEngineConfigurationTests {
    let base = [
        "RELAY_PRIVATE_KEY": Base64.encode(SigningKey.generate().seed), "RELAY_JWT_SECRET": String(repeating: "k", count: 32),
    ]

    func configuration(_ extra: [String: String]) throws(ConfigurationError) -> GatewayConfiguration {
        try GatewayConfiguration.fromEnvironment(base.merging(extra) { _, new in new })
    }

    func error(_ extra: [String: String]) -> ConfigurationError? {
        do {
            _ = try configuration(extra)
            return nil
        } catch {
            return error
        }
    }

    @Test func builtinIsTheDefault() throws {
        #expect(try configuration([:]).policyEngine == .builtin)
        #expect(try configuration(["RELAY_POLICY_ENGINE": "builtin", "RELAY_OPA_URL": "junk"]).policyEngine == .builtin)
    }

    @Test func opaWithDefaults() throws {
        let selection = try configuration(["RELAY_POLICY_ENGINE": "opa"]).policyEngine
        #expect(selection == .opa(try OPAConfiguration(url: "http://127.0.0.1:8181", policyPath: "relay/policies/main", timeout: .milliseconds(500))))
        #expect(selection.name == "opa")
    }

    @Test func opaWithEverySettingGiven() throws {
        let selection = try configuration([
            "RELAY_POLICY_ENGINE": "opa", "RELAY_OPA_URL": "http://opa:9000/", "RELAY_POLICY_PATH": "acme/decide",
            "RELAY_OPA_TIMEOUT_MS": "250",
        ]).policyEngine
        #expect(selection == .opa(try OPAConfiguration(url: "http://opa:9000", policyPath: "acme/decide", timeout: .milliseconds(250))))
    }

    @Test func errorsNameTheVariable() {
        #expect(error(["RELAY_POLICY_ENGINE": "rego"])?.setting == "RELAY_POLICY_ENGINE")
        #expect(error(["RELAY_POLICY_ENGINE": "rego"])?.description.contains("'builtin' or 'opa'") == true)
        #expect(error(["RELAY_POLICY_ENGINE": "opa", "RELAY_OPA_URL": "127.0.0.1:8181"])?.setting == "RELAY_OPA_URL")
        #expect(error(["RELAY_POLICY_ENGINE": "opa", "RELAY_POLICY_PATH": "a b"])?.setting == "RELAY_POLICY_PATH")
        #expect(error(["RELAY_POLICY_ENGINE": "opa", "RELAY_OPA_TIMEOUT_MS": "0"])?.setting == "RELAY_OPA_TIMEOUT_MS")
        #expect(error(["RELAY_POLICY_ENGINE": "opa", "RELAY_OPA_TIMEOUT_MS": "fast"])?.setting == "RELAY_OPA_TIMEOUT_MS")
    }
}
