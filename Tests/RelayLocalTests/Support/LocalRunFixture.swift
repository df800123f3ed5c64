import Foundation
import Logging

@testable import RelayLocal

#if canImport(Glibc)
import Glibc
#endif

/// A folder for one run of relay-local started as a process: a copy of some of regions/local
/// moved to free ports (so a developer's own `make run` does not get in the way), the state
/// folder, and the folder its PostgreSQL clusters go in (`RELAY_PG_TMPDIR`). Everything the run
/// starts mentions the folder (arguments, environment, data directory), which is how
/// ``leftovers()`` finds what is still running; ``remove()`` ends those, reaps the clusters and
/// deletes the folder.
struct LocalRunFixture {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    let root: URL
    var regions: URL { root.appendingPathComponent("regions") }
    var state: URL { root.appendingPathComponent("state") }
    var envFile: URL { root.appendingPathComponent("env") }
    /// `RELAY_PG_TMPDIR` of the run.
    var clusters: URL { root.appendingPathComponent("pg") }
    /// Every port the copied region files name.
    private(set) var ports: [Int] = []

    /// A fresh folder with the region files of `regionIDs` (none: no regions folder).
    init(regionIDs: [String] = []) throws {
        let fm = FileManager.default
        root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("relay-localrun-\(UUID().uuidString.prefix(8))")
        try fm.createDirectory(at: clusters, withIntermediateDirectories: true)
        guard !regionIDs.isEmpty else { return }
        try fm.createDirectory(at: regions, withIntermediateDirectories: true)
        let source = Self.repository.appendingPathComponent("regions/local")
        try fm.copyItem(at: source.appendingPathComponent("dev-keys"), to: regions.appendingPathComponent("dev-keys"))
        for id in regionIDs {
            var text = try String(contentsOf: source.appendingPathComponent("\(id).yaml"), encoding: .utf8)
            for match in text.matches(of: /(127\.0\.0\.1:|port: )(\d{4,5})/).map({ (String($0.0), String($0.1)) }) {
                let port = try LoopbackPort.pickFree()
                ports.append(port)
                text = text.replacingOccurrences(of: match.0, with: match.1 + String(port))
            }
            try text.write(to: regions.appendingPathComponent("\(id).yaml"), atomically: true, encoding: .utf8)
        }
    }

    /// Our environment for the run: its clusters in ``clusters``, and no supervisor inherited.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["RELAY_PARENT_PID"] = nil
        env["RELAY_PG_TMPDIR"] = clusters.path
        return env.merging(extra) { _, new in new }
    }

    /// Live processes (not this one) whose command line or environment mention ``root``.
    func leftovers() -> [pid_t] {
        let needle = Data(root.path.utf8)
        return ProcFS.allPIDs().filter { pid in
            guard pid != getpid(), ProcFS.isAlive(pid) else { return false }
            return ["cmdline", "environ"].contains { file in
                FileManager.default.contents(atPath: "/proc/\(pid)/\(file)")?.range(of: needle) != nil
            }
        }
    }

    /// Cluster directories still in ``clusters``.
    func clusterDirectories() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: clusters.path)) ?? []).filter { $0.hasPrefix(ClusterLayout.directoryPrefix) }
    }

    /// The `*_PID=` values of the env file the run wrote.
    func pidsFromEnvFile() -> [pid_t] {
        let text = (try? String(contentsOf: envFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { $0.contains("_PID=") }.compactMap { pid_t($0.split(separator: "=").last ?? "") }
    }

    /// Ends whatever of the run is left (SIGKILL; PostgreSQL through the reaper, once the run
    /// that owns its cluster is gone) and deletes the folder.
    func remove() {
        let isPostgres = { (pid: pid_t) in ProcFS.commandLine(pid)?.first?.hasSuffix("/postgres") ?? false }
        for pid in leftovers() where !isPostgres(pid) { kill(pid, SIGKILL) }
        for _ in 0..<100 where leftovers().contains(where: { !isPostgres($0) }) { usleep(50_000) }
        var logger = Logger(label: "relay-local-tests")
        logger.logLevel = .critical
        _ = PostgresCluster.reapLeftovers(in: clusters.path, logger: logger)
        for pid in leftovers() { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(at: root)
    }
}
