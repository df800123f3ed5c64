import RelayCore
import RelayPolicy

/// Which policy engine the gateway uses (`RELAY_POLICY_ENGINE`).
public enum PolicyEngineSelection: Sendable, Equatable {
    /// The embedded YAML rules engine over `RELAY_POLICY_DIR` (the default).
    case builtin
    /// An OPA server (`RELAY_OPA_URL`, `RELAY_POLICY_PATH`, `RELAY_OPA_TIMEOUT_MS`).
    case opa(OPAConfiguration)

    /// Engine name as in `RELAY_POLICY_ENGINE` and health output.
    public var name: String {
        switch self {
        case .builtin: "builtin"
        case .opa: "opa"
        }
    }

    /// Reads `RELAY_POLICY_ENGINE` and, for `opa`, the OPA settings; errors name the variable.
    static func fromEnvironment(_ env: EnvironmentReader) throws(ConfigurationError) -> PolicyEngineSelection {
        let engine = try env.string("RELAY_POLICY_ENGINE", default: "builtin")
        switch engine {
        case "builtin":
            return .builtin
        case "opa":
            let url = try env.string("RELAY_OPA_URL", default: OPAConfiguration.defaultURL)
            let path = try env.string("RELAY_POLICY_PATH", default: OPAConfiguration.defaultPolicyPath)
            let timeout = try env.int("RELAY_OPA_TIMEOUT_MS", default: 500, range: 1...60_000)
            do {
                return .opa(try OPAConfiguration(url: url, policyPath: path, timeout: .milliseconds(timeout)))
            } catch {
                let setting = switch error.setting {
                case .url: "RELAY_OPA_URL"
                case .policyPath: "RELAY_POLICY_PATH"
                case .timeout: "RELAY_OPA_TIMEOUT_MS"
                }
                throw ConfigurationError(setting: setting, reason: error.reason)
            }
        default:
            throw ConfigurationError(setting: "RELAY_POLICY_ENGINE", reason: "must be 'builtin' or 'opa' (got '\(engine)')")
        }
    }
}
