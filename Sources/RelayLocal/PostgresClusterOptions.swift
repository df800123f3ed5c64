/// How to start a temporary PostgreSQL cluster with ``PostgresCluster/start(_:logger:)``.
public struct PostgresClusterOptions: Sendable {
    /// A short label used in the cluster's directory name (`relay-pg-<name>-<random>`).
    ///
    /// Characters other than ASCII letters, digits, `-` and `_` are replaced by `-`,
    /// and the label is cut to 40 characters.
    public var name: String

    /// The loopback TCP port to listen on, or `nil` to pick a free one.
    ///
    /// A picked port that turns out to be taken by the time the server binds it is
    /// replaced by another one (up to 5 attempts); an explicit port is tried once.
    public var port: Int?

    /// Extra server settings, passed as `-c name=value` when the server starts.
    ///
    /// They override the harness defaults (`fsync=on`, `max_connections=200`), except
    /// `listen_addresses`, `port` and `unix_socket_directories`, which the harness owns
    /// and which are ignored here (with a warning). Names may contain only ASCII letters,
    /// digits, `_` and `.`.
    public var extraSettings: [String: String]

    /// Creates options; the defaults give a cluster labelled `cluster` on a free port.
    public init(name: String = "cluster", port: Int? = nil, extraSettings: [String: String] = [:]) {
        self.name = name
        self.port = port
        self.extraSettings = extraSettings
    }
}
