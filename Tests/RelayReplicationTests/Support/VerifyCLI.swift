import Foundation
import RelayCore
import RelayLocal
import RelayReplication
import Synchronization

/// `relay-dr verify` across regions, run as an operator on a host of one region would: the
/// built binary, the region files of `writeConfig`, and that region's database as RELAY_DB_*.
struct VerifyCLI: Sendable {
    let regions: TestRegions
    /// The folder holding `regions/` (DRProcess.writeConfig).
    let config: URL

    /// The result of one run: exit status, stdout (the table or JSON) and stderr (progress).
    struct Run: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String
        var json: JSONValue? { try? JSONParser.parse(Array(stdout.utf8)) }
    }

    /// Runs `relay-dr <command> <arguments>` (`verify` by default) as region `id`.
    func run(as id: String, _ arguments: [String], command: [String] = ["verify"], timeout: Duration = .seconds(300)) async throws -> Run {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RELAY_") }
        let n = regions.node(id)
        env["RELAY_REGIONS_DIR"] = config.appendingPathComponent("regions").path
        env["RELAY_REGION"] = id
        env["RELAY_DB_HOST"] = n.cluster.host
        env["RELAY_DB_PORT"] = String(n.cluster.port)
        env["RELAY_DB_NAME"] = n.databaseName
        env["RELAY_DB_USER"] = n.cluster.superuser
        env["RELAY_LOG_LEVEL"] = "error"
        let result = try await RelayDRInvocation.run(command + arguments, environment: env, directory: config, timeout: timeout)
        return Run(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }
}

/// A copy source that counts every `hash_at` look-up, by the region asked.
final class CountingCopySource: CopySource {
    let inner: any CopySource
    private let counts = Mutex<[String: Int]>([:])

    init(_ inner: any CopySource) {
        self.inner = inner
    }

    /// Look-ups per region so far.
    var lookUps: [String: Int] { counts.withLock { $0 } }

    func copies(at region: String) async throws -> [CopyHead] {
        try await inner.copies(at: region)
    }

    func hashAt(origin: String, seq: Int64, at region: String) async throws -> CopyHashAt {
        counts.withLock { $0[region, default: 0] += 1 }
        return try await inner.hashAt(origin: origin, seq: seq, at: region)
    }

    func fullCheck(at region: String) async throws -> RegionFullCheck.Report {
        try await inner.fullCheck(at: region)
    }
}
