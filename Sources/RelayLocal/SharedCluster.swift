import Foundation
import Logging

/// One PostgreSQL cluster per process, shared by all tests, started on first use.
///
/// Tests take a fresh database each with ``freshDatabase(prefix:)`` and may run in
/// parallel. The cluster is stopped (`pg_ctl stop -m immediate`) and deleted by an
/// `atexit` handler when the process exits; if the process is killed instead, the next
/// ``PostgresCluster/start(_:logger:)`` on this machine reaps it. A failed start is not
/// retried: every later call rethrows the same error.
public actor SharedCluster {
    /// The process-wide instance.
    public static let shared = SharedCluster()

    private var starting: Task<PostgresCluster, any Error>?
    private var counter = 0
    private let logger: Logger

    init(logger: Logger = Logger(label: "relay.local.shared-cluster")) {
        self.logger = logger
    }

    /// The shared cluster, started (once, even under concurrent callers) on first call.
    public func cluster() async throws -> PostgresCluster {
        if let starting { return try await starting.value }
        let logger = logger
        let task = Task {
            let cluster = try await PostgresCluster.start(PostgresClusterOptions(name: "shared"), logger: logger)
            ExitCleanup.register(cluster)
            return cluster
        }
        starting = task
        return try await task.value
    }

    /// Creates a database named `<prefix>_<counter>_<random>` in the shared cluster and
    /// returns its name. The prefix is lowercased and reduced to letters, digits and `_`
    /// (at most 40 characters), so the name needs no quoting.
    public func freshDatabase(prefix: String) async throws -> String {
        let cluster = try await cluster()
        counter += 1
        let name = Self.databaseName(prefix: prefix, counter: counter)
        try await cluster.createDatabase(name)
        return name
    }

    static func databaseName(prefix: String, counter: Int) -> String {
        var clean = String(prefix.lowercased().unicodeScalars.prefix(40).map { s -> Character in
            s.isASCII && (CharacterSet.alphanumerics.contains(s) || s == "_") ? Character(s) : "_"
        })
        if clean.isEmpty { clean = "db" }
        if let first = clean.unicodeScalars.first, CharacterSet.decimalDigits.contains(first) { clean = "db_" + clean }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        let random = String((0..<6).map { _ in alphabet.randomElement()! })
        return "\(clean)_\(counter)_\(random)"
    }
}
