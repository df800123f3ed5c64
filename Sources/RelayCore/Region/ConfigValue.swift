/// A setting given literally in a file, or the name of the environment variable that holds it
/// (`host: db.internal` or `host_env: RELAY_DB_HOST`).
public enum ConfigValue: Sendable, Hashable {
    /// The value itself.
    case literal(String)
    /// The environment variable holding the value.
    case environment(String)

    /// The value, looking variables up in `environment`; nil when the variable is unset or empty.
    public func resolve(in environment: [String: String]) -> String? {
        switch self {
        case .literal(let value): return value
        case .environment(let name): return environment[name].flatMap { $0.isEmpty ? nil : $0 }
        }
    }
}
