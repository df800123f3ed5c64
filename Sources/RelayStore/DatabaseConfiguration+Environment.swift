import RelayCore

extension DatabaseConfiguration {
    /// `RELAY_DB_HOST`, `RELAY_DB_PORT`, `RELAY_DB_NAME`, `RELAY_DB_USER`, `RELAY_DB_PASSWORD`,
    /// `RELAY_DB_POOL_SIZE` (shared by relay-gateway and relay-dr).
    public static func fromEnvironment(_ env: EnvironmentReader) throws(ConfigurationError) -> DatabaseConfiguration {
        DatabaseConfiguration(
            host: try env.string("RELAY_DB_HOST", default: "127.0.0.1"),
            port: try env.int("RELAY_DB_PORT", default: 5432, range: 1...65535),
            database: try env.string("RELAY_DB_NAME", default: "relay"),
            username: try env.string("RELAY_DB_USER", default: "relay"),
            password: env.optional("RELAY_DB_PASSWORD"),
            maxConnections: try env.int("RELAY_DB_POOL_SIZE", default: 20, range: 1...500))
    }
}
