import RelayCore

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
    /// TLS to the server: `disable` (local clusters), `require` (encrypted, certificate not
    /// checked) or `verify-full` (certificate checked against `tlsCAFile` and the host name).
    /// Managed servers that force TLS (RDS with `rds.force_ssl`) need one of the last two.
    public var tls: DatabaseTLS
    /// PEM bundle of the CAs trusted for `verify-full` (the RDS CA bundle); nil: the system roots.
    public var tlsCAFile: String?
    /// How the sessions are named in `pg_stat_activity` and the server log (`relay-dr r2`).
    public var applicationName = "relay"

    /// Creates a configuration; defaults match a local development PostgreSQL.
    public init(
        host: String = "127.0.0.1", port: Int = 5432, database: String = "relay", username: String = "relay",
        password: String? = nil, maxConnections: Int = 20, tls: DatabaseTLS = .disable, tlsCAFile: String? = nil
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.username = username
        self.password = password
        self.maxConnections = maxConnections
        self.tls = tls
        self.tlsCAFile = tlsCAFile
    }
}

extension DatabaseConfiguration: CustomStringConvertible {
    /// `user@host:port/db`, without the password.
    public var description: String { "\(username)@\(host):\(port)/\(database)" }
}
