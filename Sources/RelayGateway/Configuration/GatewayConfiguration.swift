import Foundation
import RelayCore
import RelayStore
import RelaySystem

/// Everything the gateway needs to start, read from `RELAY_*` environment variables (README.md, "Configuration").
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
    /// How often the builtin engine's policy files are looked at for changes (a change is loaded
    /// without a restart, as on SIGHUP); 0: only SIGHUP reloads.
    public var policyWatchSeconds: Double
    /// Largest accepted request body.
    public var maxBodyBytes: Int
    /// HS256 secret for access tokens (≥ 32 bytes). Never logged.
    public var jwtSecret: String
    public var jwtExpiryHours: Int
    /// When false, validate/audit/mark-executed accept unauthenticated calls (a presented token
    /// must still be valid).
    public var authRequired: Bool
    /// Requests per second each agent (or client IP) may make to `/v1/*`; 0 disables limiting.
    public var rateLimitRPS: Double
    /// Requests an idle agent (or client IP) may make back to back.
    public var rateLimitBurst: Int
    /// Origins allowed by CORS; nil sends no CORS headers.
    public var corsOrigins: CORSOrigins?
    /// Log line format.
    public var logFormat: LogFormat
    /// The policy engine: builtin (over ``policyDirectory``) or an OPA server.
    public var policyEngine: PolicyEngineSelection
    /// Whether this gateway runs the region's ledger chainer.
    public var chainer: ChainerMode
    /// Every region's config (`RELAY_REGIONS_DIR`); nil when not set. Its seal keys are trusted and
    /// served at `/v1/keys`.
    public var regions: RegionSet?

    /// Creates a configuration.
    public init(
        region: String, database: DatabaseConfiguration, apiHost: String = "127.0.0.1", apiPort: Int = 8000,
        sealKey: SigningKey, sealTTLMinutes: Int = 5, policyDirectory: String = "gateway/policies",
        maxBodyBytes: Int = 1 << 20, jwtSecret: String, jwtExpiryHours: Int = 24, authRequired: Bool = true,
        rateLimitRPS: Double = 100, rateLimitBurst: Int = 200, corsOrigins: CORSOrigins? = nil, logFormat: LogFormat = .text,
        policyEngine: PolicyEngineSelection = .builtin, chainer: ChainerMode = .embedded, regions: RegionSet? = nil,
        policyWatchSeconds: Double = 2
    ) {
        self.policyWatchSeconds = policyWatchSeconds
        self.chainer = chainer
        self.jwtSecret = jwtSecret
        self.jwtExpiryHours = jwtExpiryHours
        self.authRequired = authRequired
        self.region = region
        self.database = database
        self.apiHost = apiHost
        self.apiPort = apiPort
        self.sealKey = sealKey
        self.sealTTLMinutes = sealTTLMinutes
        self.policyDirectory = policyDirectory
        self.maxBodyBytes = maxBodyBytes
        self.rateLimitRPS = rateLimitRPS
        self.rateLimitBurst = rateLimitBurst
        self.corsOrigins = corsOrigins
        self.logFormat = logFormat
        self.policyEngine = policyEngine
        self.regions = regions
    }

    /// Reads the configuration from `environment`; the first problem found is thrown.
    public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError) -> GatewayConfiguration {
        let env = EnvironmentReader(environment)
        let region = try env.string("RELAY_REGION", default: "local")
        guard region.range(of: #"^[a-z0-9][a-z0-9-]{0,31}$"#, options: .regularExpression) != nil else {
            throw ConfigurationError(setting: "RELAY_REGION", reason: "must be 1-32 characters of a-z, 0-9 and '-' (got '\(region)')")
        }
        var database = try DatabaseConfiguration.fromEnvironment(env)
        database.applicationName = "relay-gateway \(region)"
        let sealKey = try loadSealKey(env)
        return GatewayConfiguration(
            region: region, database: database,
            apiHost: try env.string("RELAY_API_HOST", default: "127.0.0.1"),
            apiPort: try env.int("RELAY_API_PORT", default: 8000, range: 0...65535),
            sealKey: sealKey,
            sealTTLMinutes: try env.int("RELAY_SEAL_TTL_MINUTES", default: 5, range: 1...1440),
            policyDirectory: try env.string("RELAY_POLICY_DIR", default: "gateway/policies"),
            maxBodyBytes: try env.int("RELAY_MAX_BODY_BYTES", default: 1 << 20, range: 1024...(64 << 20)),
            jwtSecret: try loadJWTSecret(env),
            jwtExpiryHours: try env.int("RELAY_JWT_EXPIRY_HOURS", default: 24, range: 1...8760),
            authRequired: try env.bool("RELAY_AUTH_REQUIRED", default: true),
            rateLimitRPS: try env.double("RELAY_RATE_LIMIT_RPS", default: 100, range: 0...1_000_000),
            rateLimitBurst: try env.int("RELAY_RATE_LIMIT_BURST", default: 200, range: 1...1_000_000),
            corsOrigins: try corsOrigins(env),
            logFormat: try env.choice("RELAY_LOG_FORMAT", default: LogFormat.text),
            policyEngine: try PolicyEngineSelection.fromEnvironment(env),
            chainer: try env.choice("RELAY_CHAINER", default: ChainerMode.embedded),
            regions: try loadRegions(env, region: region, sealKey: sealKey),
            policyWatchSeconds: try env.double("RELAY_POLICY_WATCH_SECONDS", default: 2, range: 0...3600))
    }

    static func loadJWTSecret(_ env: EnvironmentReader) throws(ConfigurationError) -> String {
        guard let secret = env.optional("RELAY_JWT_SECRET") else {
            throw ConfigurationError(setting: "RELAY_JWT_SECRET", reason: "not set: give at least \(TokenService.minimumSecretBytes) random bytes (e.g. `openssl rand -base64 48`)")
        }
        guard secret.utf8.count >= TokenService.minimumSecretBytes else {
            throw ConfigurationError(
                setting: "RELAY_JWT_SECRET",
                reason: "too short (\(secret.utf8.count) bytes): HS256 needs at least \(TokenService.minimumSecretBytes)")
        }
        return secret
    }

    /// `RELAY_CORS_ORIGINS`: unset means CORS off.
    static func corsOrigins(_ env: EnvironmentReader) throws(ConfigurationError) -> CORSOrigins? {
        guard let raw = env.optional("RELAY_CORS_ORIGINS") else { return nil }
        do { return try CORSOrigins.parse(raw) } catch {
            throw ConfigurationError(setting: "RELAY_CORS_ORIGINS", reason: error.reason)
        }
    }

    /// `RELAY_PRIVATE_KEY` (base64 seed) or `RELAY_PRIVATE_KEY_FILE` (a file holding it, mode 0600).
    static func loadSealKey(_ env: EnvironmentReader) throws(ConfigurationError) -> SigningKey {
        let setting: String
        let source: KeySource
        if env.optional("RELAY_PRIVATE_KEY") != nil {
            (setting, source) = ("RELAY_PRIVATE_KEY", .environment("RELAY_PRIVATE_KEY"))
        } else if let path = env.optional("RELAY_PRIVATE_KEY_FILE") {
            (setting, source) = ("RELAY_PRIVATE_KEY_FILE", .file(path))
        } else {
            throw ConfigurationError(
                setting: "RELAY_PRIVATE_KEY",
                reason: "not set: give the base64 Ed25519 seed in RELAY_PRIVATE_KEY or a file path in RELAY_PRIVATE_KEY_FILE (`relay-gateway keygen` makes one)")
        }
        do { return try source.load(environment: env.values) } catch {
            guard error.kind == .invalidKey else { throw ConfigurationError(setting: setting, reason: error.reason) }
            let path = source.path(environment: env.values).map { "\($0): " } ?? ""
            throw ConfigurationError(setting: setting, reason: "\(path)\(error.reason); `relay-gateway keygen` makes one")
        }
    }
}
