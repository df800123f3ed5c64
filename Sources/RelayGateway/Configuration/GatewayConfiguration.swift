import Foundation
import RelayCore
import RelayStore

/// Everything the gateway needs to start, read from `RELAY_*` environment variables (DESIGN §3).
public struct GatewayConfiguration: Sendable {
    /// This region's id; names the home region in every seal id.
    public var region: String
    public var database: DatabaseConfiguration
    public var apiHost: String
    public var apiPort: Int
    /// Current seal signing key.
    public var sealKey: SigningKey
    public var sealTTLMinutes: Int
    /// Folder holding the builtin engine's YAML policies.
    public var policyDirectory: String
    /// Largest accepted request body.
    public var maxBodyBytes: Int
    /// The policy engine: builtin (over ``policyDirectory``) or an OPA server.
    public var policyEngine: PolicyEngineSelection

    /// Creates a configuration.
    public init(
        region: String, database: DatabaseConfiguration, apiHost: String = "127.0.0.1", apiPort: Int = 8000,
        sealKey: SigningKey, sealTTLMinutes: Int = 5, policyDirectory: String = "gateway/policies",
        maxBodyBytes: Int = 1 << 20, policyEngine: PolicyEngineSelection = .builtin
    ) {
        self.region = region
        self.database = database
        self.apiHost = apiHost
        self.apiPort = apiPort
        self.sealKey = sealKey
        self.sealTTLMinutes = sealTTLMinutes
        self.policyDirectory = policyDirectory
        self.maxBodyBytes = maxBodyBytes
        self.policyEngine = policyEngine
    }

    /// Reads the configuration from `environment`; the first problem found is thrown.
    public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError) -> GatewayConfiguration {
        let env = EnvironmentReader(environment)
        let region = try env.string("RELAY_REGION", default: "local")
        guard region.range(of: #"^[a-z0-9][a-z0-9-]{0,31}$"#, options: .regularExpression) != nil else {
            throw ConfigurationError(setting: "RELAY_REGION", reason: "must be 1-32 characters of a-z, 0-9 and '-' (got '\(region)')")
        }
        let database = DatabaseConfiguration(
            host: try env.string("RELAY_DB_HOST", default: "127.0.0.1"),
            port: try env.int("RELAY_DB_PORT", default: 5432, range: 1...65535),
            database: try env.string("RELAY_DB_NAME", default: "relay"),
            username: try env.string("RELAY_DB_USER", default: "relay"),
            password: env.optional("RELAY_DB_PASSWORD"),
            maxConnections: try env.int("RELAY_DB_POOL_SIZE", default: 20, range: 1...500))
        return GatewayConfiguration(
            region: region, database: database,
            apiHost: try env.string("RELAY_API_HOST", default: "127.0.0.1"),
            apiPort: try env.int("RELAY_API_PORT", default: 8000, range: 0...65535),
            sealKey: try loadSealKey(env),
            sealTTLMinutes: try env.int("RELAY_SEAL_TTL_MINUTES", default: 5, range: 1...1440),
            policyDirectory: try env.string("RELAY_POLICY_DIR", default: "gateway/policies"),
            maxBodyBytes: try env.int("RELAY_MAX_BODY_BYTES", default: 1 << 20, range: 1024...(64 << 20)),
            policyEngine: try PolicyEngineSelection.fromEnvironment(env))
    }

    /// `RELAY_PRIVATE_KEY` (base64 seed) or `RELAY_PRIVATE_KEY_FILE` (a file holding it, mode 0600).
    static func loadSealKey(_ env: EnvironmentReader) throws(ConfigurationError) -> SigningKey {
        if let inline = env.optional("RELAY_PRIVATE_KEY") {
            do { return try SigningKey(base64Seed: inline) } catch {
                throw ConfigurationError(setting: "RELAY_PRIVATE_KEY", reason: "\(error) (expected a base64 32-byte Ed25519 seed; `relay-gateway keygen` makes one)")
            }
        }
        guard let path = env.optional("RELAY_PRIVATE_KEY_FILE") else {
            throw ConfigurationError(
                setting: "RELAY_PRIVATE_KEY",
                reason: "not set: give the base64 Ed25519 seed in RELAY_PRIVATE_KEY or a file path in RELAY_PRIVATE_KEY_FILE (`relay-gateway keygen` makes one)")
        }
        let setting = "RELAY_PRIVATE_KEY_FILE"
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let data = FileManager.default.contents(atPath: path)
        else { throw ConfigurationError(setting: setting, reason: "cannot read \(path)") }
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw ConfigurationError(setting: setting, reason: "\(path) is readable by group or others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        do { return try SigningKey(base64Seed: String(decoding: data, as: UTF8.self)) } catch {
            throw ConfigurationError(setting: setting, reason: "\(path): \(error)")
        }
    }
}
