import Foundation
import RelayCore
import RelayLedger
import RelayStore
import RelaySystem

/// Everything `relay-dr run` needs, from RELAY_* variables (README, configuration table).
public struct DRConfiguration: Sendable {
    public var region: String
    /// Every region (peers are all but `region`), with their ledger keys.
    public var regions: RegionSet
    public var database: DatabaseConfiguration
    /// This region's ledger signing key (signs batch headers).
    public var ledgerKey: SigningKey
    /// Where the replication API listens.
    public var listenHost: String
    public var listenPort: Int
    public var shipper = ShipperOptions()
    /// Largest batch body accepted.
    public var maxBodyBytes = 16 << 20
    /// How often lag is sampled into `lag_samples`.
    public var lagSampleInterval: Duration = .seconds(5)
    /// Raw lag samples older than this are down-sampled to per-minute rows (`lag_minutes`).
    public var lagRawRetention: Duration = .seconds(7 * 86_400)
    /// How often the down-sampling runs.
    public var lagRetentionEvery: Duration = .seconds(600)
    /// A span between lag samples longer than this is a gap in reports (3 × the sample interval).
    public var lagGapThreshold: Duration { lagSampleInterval * 3 }
    /// Records waiting this long with no acknowledgement (shipping), or an origin's batches refused
    /// this long with none accepted (receiving), make `/health` degraded and log an error.
    public var stallAfter: Duration = .seconds(30)
    /// How often the peers' copies of this region's ledger are verified (continuous mode); nil: never.
    public var copyVerifyInterval: Duration? = .seconds(5)
    /// After the region's database restarts, how long relay-dr waits for every peer's routing map
    /// before it lets the region write on the answers it has (migration 0009; docs/failover.md).
    public var rejoinPatience: Duration = .seconds(10)
    /// Whether this daemon also runs the region's chainer (the default; safe next to others).
    public var runChainer = true
    public var chainer = Chainer.Options()
    /// TLS of the replication port and towards https peers (default: plain port, system roots).
    public var tls = DRTLS()
    /// The bearer token coordinators present to `POST /v1/control` (RELAY_DR_ADMIN_TOKEN, at
    /// least 16 characters); nil disables the endpoint (fail closed).
    public var adminToken: String?

    /// Creates a configuration.
    public init(
        region: String, regions: RegionSet, database: DatabaseConfiguration, ledgerKey: SigningKey, listenHost: String,
        listenPort: Int
    ) {
        self.region = region
        self.regions = regions
        self.database = database
        self.ledgerKey = ledgerKey
        self.listenHost = listenHost
        self.listenPort = listenPort
    }

    /// Reads RELAY_REGION (or `region`), RELAY_REGIONS_DIR (default `regions`), RELAY_DB_*,
    /// RELAY_LEDGER_KEY (a key source: `env:VAR`, `file:/path`, `secret:NAME`), RELAY_DR_LISTEN
    /// (`host:port`; default: the port of this region's `dr_url`), RELAY_DR_MAX_BATCH_RECORDS,
    /// RELAY_DR_MAX_BATCH_BYTES, RELAY_DR_LINGER_MS, RELAY_DR_MAX_IN_FLIGHT, RELAY_DR_MAX_BODY_BYTES,
    /// RELAY_DR_STALL_SECONDS, RELAY_DR_VERIFY_SECONDS (0: no continuous verification),
    /// RELAY_DR_REJOIN_PATIENCE_SECONDS, RELAY_DR_ADMIN_TOKEN, RELAY_DR_LAG_SAMPLE_SECONDS,
    /// RELAY_DR_LAG_RAW_RETENTION (`7d`, `36h`, … ),
    /// RELAY_DR_CHAINER and the RELAY_DR_TLS_* settings (`DRTLS.fromEnvironment`).
    public static func fromEnvironment(
        _ environment: [String: String], region override: String? = nil
    ) throws(ConfigurationError) -> DRConfiguration {
        let env = EnvironmentReader(environment)
        guard let region = override ?? env.optional("RELAY_REGION") else {
            throw ConfigurationError(setting: "RELAY_REGION", reason: "not set: give --region or RELAY_REGION")
        }
        let dir = try env.string("RELAY_REGIONS_DIR", default: "regions")
        let regions: RegionSet
        do { regions = try RegionSet.load(directory: dir) } catch {
            throw ConfigurationError(setting: "RELAY_REGIONS_DIR", reason: "\(error)")
        }
        guard let me = regions.region(region) else {
            throw ConfigurationError(setting: "RELAY_REGION", reason: "'\(region)' is not in \(dir) (regions: \(regions.ids.joined(separator: ", ")))")
        }
        guard let keyText = env.optional("RELAY_LEDGER_KEY") else {
            throw ConfigurationError(
                setting: "RELAY_LEDGER_KEY",
                reason: "not set: give the ledger key source, e.g. file:/etc/relay/\(region)-ledger.key or secret:\(region)-ledger.key (`relay-dr keys generate --purpose ledger` makes one)")
        }
        let key: SigningKey
        do { key = try KeySource(parsing: keyText).load(environment: environment) } catch {
            throw ConfigurationError(setting: "RELAY_LEDGER_KEY", reason: "\(error)")
        }
        guard me.keys.contains(where: { $0.purpose == .ledger && $0.keyID == key.keyID }) else {
            throw ConfigurationError(
                setting: "RELAY_LEDGER_KEY",
                reason: "key \(key.keyID) is not a ledger key of \(region) in \(dir): peers would refuse its batches; add its entry (`relay-dr keys show`)")
        }
        let defaultListen = "\(me.drURL.host ?? "127.0.0.1"):\(me.drURL.port ?? 9000)"
        let listen = try env.string("RELAY_DR_LISTEN", default: defaultListen)
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port)
        else { throw ConfigurationError(setting: "RELAY_DR_LISTEN", reason: "expected host:port (got '\(listen)')") }
        var config = DRConfiguration(
            region: region, regions: regions, database: try DatabaseConfiguration.fromEnvironment(env), ledgerKey: key,
            listenHost: String(listen[..<colon]), listenPort: port)
        config.shipper.maxRecords = try env.int("RELAY_DR_MAX_BATCH_RECORDS", default: 1000, range: 1...100_000)
        config.shipper.maxBytes = try env.int("RELAY_DR_MAX_BATCH_BYTES", default: 4 << 20, range: 1024...(64 << 20))
        config.shipper.window = try env.int("RELAY_DR_MAX_IN_FLIGHT", default: 4, range: 1...64)
        config.shipper.linger = .milliseconds(try env.int("RELAY_DR_LINGER_MS", default: 50, range: 1...60_000))
        config.maxBodyBytes = try env.int("RELAY_DR_MAX_BODY_BYTES", default: 16 << 20, range: 1024...(256 << 20))
        config.stallAfter = .seconds(try env.int("RELAY_DR_STALL_SECONDS", default: 30, range: 1...86_400))
        config.rejoinPatience = .seconds(try env.int("RELAY_DR_REJOIN_PATIENCE_SECONDS", default: 10, range: 0...3600))
        config.runChainer = try env.bool("RELAY_DR_CHAINER", default: true)
        config.lagSampleInterval = .seconds(try env.int("RELAY_DR_LAG_SAMPLE_SECONDS", default: 5, range: 1...3600))
        config.lagRawRetention = .seconds(try env.durationSeconds("RELAY_DR_LAG_RAW_RETENTION", default: 7 * 86_400, range: 3600...(3660 * 86_400)))
        let verifySeconds = try env.int("RELAY_DR_VERIFY_SECONDS", default: 5, range: 0...86_400)
        config.copyVerifyInterval = verifySeconds == 0 ? nil : .seconds(verifySeconds)
        if let token = env.optional("RELAY_DR_ADMIN_TOKEN") {
            guard token.utf8.count >= 16 else {
                throw ConfigurationError(setting: "RELAY_DR_ADMIN_TOKEN", reason: "too short: use at least 16 random characters (e.g. openssl rand -hex 32)")
            }
            config.adminToken = token
        }
        config.tls = try DRTLS.fromEnvironment(environment)
        try config.tls.checkURLs(region: me, peers: regions.regions.filter { $0.id != region }, directory: dir)
        return config
    }
}
