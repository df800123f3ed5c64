import RelayCore

/// What a local run starts for one region file: its PostgreSQL cluster (on the file's port),
/// the database and role in it, the key copies, its gateway and its relay-dr.
public struct RegionPlan: Sendable {
    /// The region file.
    public let region: Region
    /// The cluster: labelled with the region id, on the file's database port.
    public let cluster: PostgresClusterOptions
    /// The database to create.
    public let databaseName: String
    /// The role that owns it (the file's `user`, or its `user_env` variable, else `relay`).
    public let databaseUser: String
    /// The seal key the gateway signs with.
    public let sealKey: DevKeyCopy
    /// The ledger key relay-dr chains with.
    public let ledgerKey: DevKeyCopy
    /// `relay-gateway serve` on the file's `gateway_url`, embedded chainer off.
    public let gateway: ChildProcessSpec
    /// `relay-dr run` on the file's `dr_url`.
    public let dr: ChildProcessSpec

    /// `RELAY_LEDGER_KEY`: `file:` and the ledger key copy.
    public var ledgerKeySetting: String { "file:" + ledgerKey.target }

    /// Creates a region's plan; see ``LocalRegionsPlan/init(regions:directory:options:postgresSettings:environment:jwtSecret:parentPID:)``.
    public init(
        region: Region, cluster: PostgresClusterOptions, databaseName: String, databaseUser: String,
        sealKey: DevKeyCopy, ledgerKey: DevKeyCopy, gateway: ChildProcessSpec, dr: ChildProcessSpec
    ) {
        self.region = region
        self.cluster = cluster
        self.databaseName = databaseName
        self.databaseUser = databaseUser
        self.sealKey = sealKey
        self.ledgerKey = ledgerKey
        self.gateway = gateway
        self.dr = dr
    }
}
