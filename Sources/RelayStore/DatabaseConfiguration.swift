/// Where and how to reach a region's PostgreSQL.
public struct DatabaseConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var database: String
    public var username: String
    /// Never logged.
    public var password: String?
    /// Connections kept by the pool.
    public var maxConnections: Int
    /// How the sessions are named in `pg_stat_activity` and the server log (`relay-dr r2`).
    public var applicationName = "relay"

    /// Creates a configuration; defaults match a local development PostgreSQL.
    public init(
        host: String = "127.0.0.1", port: Int = 5432, database: String = "relay", username: String = "relay",
        password: String? = nil, maxConnections: Int = 20
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.username = username
        self.password = password
        self.maxConnections = maxConnections
    }
}

extension DatabaseConfiguration: CustomStringConvertible {
    /// `user@host:port/db`, without the password.
    public var description: String { "\(username)@\(host):\(port)/\(database)" }
}
