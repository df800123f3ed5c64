/// How to reach a region's PostgreSQL database (`database:` in a region file).
public struct RegionDatabase: Sendable, Hashable {
    /// Host name or address, or the variable holding it.
    public var host: ConfigValue
    /// TCP port.
    public var port: Int
    /// Database name.
    public var name: String
    /// Role name, or the variable holding it.
    public var user: ConfigValue
    /// Where the password comes from; nil when the server asks for none.
    public var password: PasswordSource?
    /// TLS mode.
    public var tls: DatabaseTLS

    /// Creates database settings.
    public init(
        host: ConfigValue, port: Int = 5432, name: String = "relay", user: ConfigValue = .literal("relay"),
        password: PasswordSource? = nil, tls: DatabaseTLS = .require
    ) {
        self.host = host
        self.port = port
        self.name = name
        self.user = user
        self.password = password
        self.tls = tls
    }
}
