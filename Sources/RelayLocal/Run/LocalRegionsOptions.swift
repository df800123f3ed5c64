/// What `relay-local up --regions DIR` was asked for.
public struct LocalRegionsOptions: Sendable {
    /// The folder of region files (e.g. `regions/local`), with their `dev-keys/`.
    public var regionsDirectory: String
    /// Manifests validated per second across all gateways (0: no traffic).
    public var trafficRate: Double
    /// Extra PostgreSQL settings for every cluster, `name=value` each.
    public var postgresSettings: [String]
    /// The settings shared with the one-region run.
    public var run: LocalRunOptions

    /// Creates options.
    public init(regionsDirectory: String, trafficRate: Double = 20, postgresSettings: [String] = [], run: LocalRunOptions = .init()) {
        self.regionsDirectory = regionsDirectory
        self.trafficRate = trafficRate
        self.postgresSettings = postgresSettings
        self.run = run
    }

    /// ``postgresSettings`` as a dictionary; throws on an entry that is not `name=value`.
    public func parsedPostgresSettings() throws(LocalRunError) -> [String: String] {
        var out: [String: String] = [:]
        for s in postgresSettings {
            guard let eq = s.firstIndex(of: "="), eq != s.startIndex else { throw .badSetting(s) }
            out[String(s[..<eq])] = String(s[s.index(after: eq)...])
        }
        return out
    }
}
