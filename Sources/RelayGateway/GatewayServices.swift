import Logging
import RelayCore
import RelayPolicy
import RelayLedger
import RelayStore
import RelaySystem

/// What the route handlers share: stores, policy engine, seal issuer, clock, metrics, rate limiter.
public struct GatewayServices: Sendable {
    public let configuration: GatewayConfiguration
    public let database: Database
    /// The policy engine with its start-up check and shutdown.
    public let policyEngine: ConfiguredPolicyEngine
    /// The policy engine the routes ask.
    public var policy: any PolicyEngine { policyEngine.engine }
    public let issuer: SealIssuer
    public let clock: RelayClock
    /// Keys this gateway accepts on seals, by `key_id` (its own, plus every region's seal keys
    /// when `RELAY_REGIONS_DIR` is set).
    public let trustedSealKeys: [String: [UInt8]]
    /// Access tokens (HS256).
    public let tokens: TokenService
    /// This instance's Prometheus series (served at `/metrics`).
    public let metrics: GatewayMetrics
    /// Per-process rate limiter for `/v1/*`; nil when `rateLimitRPS` is 0.
    public let rateLimiter: RateLimiter?
    /// The region's ledger (head and backlog for /health and /metrics).
    public let ledger: LedgerStore
    /// This gateway's chainer when `RELAY_CHAINER=embedded`; started once migrations have run.
    public let chainer: Chainer?
    /// Opened after migrations; the embedded chainer waits for it.
    let schemaReady = ReadyGate()
    let manifests: ManifestWriter
    let seals: SealStore
    /// Every region's state as this database holds it (seal ownership, fencing).
    let regionStates: RegionStateStore
    let audit: AuditStore
    let identities: IdentityStore

    /// Wires the services for `configuration` around `policy`, an engine its caller owns (and shuts
    /// down); `rateLimitClock` drives the rate limiter's refills.
    public init(
        configuration: GatewayConfiguration, database: Database, policy: any PolicyEngine, clock: RelayClock = .system,
        rateLimitClock: MonotonicClock = .system, logger: Logger = Logger(label: "relay-gateway")
    ) async {
        await self.init(
            configuration: configuration, database: database, policyEngine: ConfiguredPolicyEngine(borrowing: policy), clock: clock,
            rateLimitClock: rateLimitClock, logger: logger)
    }

    /// Wires the services for `configuration` around `policyEngine` (see
    /// ``ConfiguredPolicyEngine/init(configuration:)``); `rateLimitClock` drives the rate limiter's refills.
    public init(
        configuration: GatewayConfiguration, database: Database, policyEngine: ConfiguredPolicyEngine, clock: RelayClock = .system,
        rateLimitClock: MonotonicClock = .system, logger: Logger = Logger(label: "relay-gateway")
    ) async {
        self.configuration = configuration
        self.tokens = await TokenService(secret: configuration.jwtSecret, expiryHours: configuration.jwtExpiryHours, clock: clock)
        self.identities = IdentityStore(database: database)
        self.database = database
        self.policyEngine = policyEngine
        self.clock = clock
        self.issuer = SealIssuer(region: configuration.region, key: configuration.sealKey, ttlMinutes: configuration.sealTTLMinutes)
        self.trustedSealKeys = configuration.trustedSealKeys
        self.manifests = ManifestWriter(database: database)
        self.ledger = LedgerStore(database: database)
        self.chainer =
            configuration.chainer == .embedded
            ? Chainer(region: configuration.region, database: database, gate: schemaReady, logger: logger) : nil
        self.seals = SealStore(database: database)
        self.regionStates = RegionStateStore(database: database)
        self.audit = AuditStore(database: database)
        self.metrics = GatewayMetrics(policyEngine: policyEngine.engine.name)
        self.rateLimiter =
            configuration.rateLimitRPS > 0
            ? RateLimiter(rate: configuration.rateLimitRPS, burst: configuration.rateLimitBurst, clock: rateLimitClock) : nil
    }
}

extension GatewayServices {
    /// Records a refused authorization of `principal` and returns the 403 to throw.
    func forbidden(
        _ principal: Principal, endpoint: String, context: RelayRequestContext, reason: String, message: String
    ) async throws -> APIError {
        try await recordAuth(
            AuthEvent(type: "authorization", success: false, agentID: principal.agentID, orgID: principal.orgID,
                      endpoint: endpoint, clientIP: context.clientIP, reason: reason))
        return APIError(.forbidden, message)
    }

    /// Appends an auth event stamped with this region and the current time.
    func recordAuth(_ event: AuthEvent) async throws {
        try await identities.record(event, region: configuration.region, now: clock.now())
    }
}
