import Foundation
import RelayCore
import RelayLocal
import RelaySystem

/// `relay-dr run` as a separate process for one region of a `TestRegions` set (so it can be
/// killed with SIGKILL), configured from region files and key files written to a temp directory.
final class DRProcess: @unchecked Sendable {
    let process: Process
    let log: URL

    /// Writes `regions`' files (YAML, as an operator would) and 0600 ledger key files under `dir`;
    /// `drScheme` is the scheme of every `dr_url` (`https` for relay-drs serving TLS).
    static func writeConfig(_ regions: TestRegions, to dir: URL, drScheme: String = "http") throws {
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("regions"), withIntermediateDirectories: true)
        for n in regions.nodes {
            let yaml = """
                id: \(n.id)
                gateway_url: http://127.0.0.1:\(n.gatewayPort)
                dr_url: \(drScheme)://127.0.0.1:\(n.drPort)
                database:
                  host: \(n.cluster.host)
                  port: \(n.cluster.port)
                  name: \(n.databaseName)
                  user: \(n.cluster.superuser)
                  tls: disable
                keys:
                  - purpose: seal
                    key_id: "\(n.sealKey.keyID)"
                    public_key: "\(Base64.encode(n.sealKey.publicKey))"
                    valid_from: 2026-01-01T00:00:00Z
                  - purpose: ledger
                    key_id: "\(n.ledgerKey.keyID)"
                    public_key: "\(Base64.encode(n.ledgerKey.publicKey))"
                    valid_from: 2026-01-01T00:00:00Z
                targets:
                  rpo_seconds: 5
                  rto_seconds: 300
                  max_lag_on_failover: 1000

                """
            try yaml.write(to: dir.appendingPathComponent("regions/\(n.id).yaml"), atomically: true, encoding: .utf8)
            let key = dir.appendingPathComponent("\(n.id)-ledger.key").path
            if !FileManager.default.fileExists(atPath: key) {
                try KeyFile.create(at: key, seed: n.ledgerSeed)
            }
        }
    }

    /// Starts `relay-dr run` for region `id` (config written by `writeConfig` in `dir`), with
    /// `settings` added to its environment.
    static func start(_ regions: TestRegions, _ id: String, dir: URL, settings: [String: String] = [:]) throws -> DRProcess {
        let log = dir.appendingPathComponent("relay-dr-\(id).log")
        return DRProcess(process: try launch(regions, id, dir: dir, settings: settings, log: log), log: log)
    }

    /// Runs `relay-dr run` for region `id` until it exits by itself (a configuration it refuses);
    /// nil when it is still running after `timeout` (then it is killed).
    static func runUntilExit(
        _ regions: TestRegions, _ id: String, dir: URL, settings: [String: String], timeout: Duration = .seconds(30)
    ) async throws -> (status: Int32, output: String)? {
        let log = dir.appendingPathComponent("relay-dr-\(id)-\(UUID()).log")
        let p = try launch(regions, id, dir: dir, settings: settings, log: log)
        guard await p.waitForExit(timeout: timeout) else {
            kill(p.processIdentifier, SIGKILL)
            _ = await p.waitForExit(timeout: .seconds(10))
            return nil
        }
        return (p.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    private static func launch(_ regions: TestRegions, _ id: String, dir: URL, settings: [String: String], log: URL) throws -> Process {
        let n = regions.node(id)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ChainerProcess.executable)
        p.arguments = ["run", "--poll-ms", "10"]
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RELAY_DR_TLS_") }
        env["RELAY_REGION"] = id
        env["RELAY_REGIONS_DIR"] = dir.appendingPathComponent("regions").path
        env["RELAY_LEDGER_KEY"] = "file:" + dir.appendingPathComponent("\(id)-ledger.key").path
        env["RELAY_DB_HOST"] = n.cluster.host
        env["RELAY_DB_PORT"] = String(n.cluster.port)
        env["RELAY_DB_NAME"] = n.databaseName
        env["RELAY_DB_USER"] = n.cluster.superuser
        env["RELAY_DR_LINGER_MS"] = "20"
        env["RELAY_LOG_LEVEL"] = "info"
        env["RELAY_PARENT_PID"] = String(getpid())
        env.merge(settings) { _, new in new }
        p.environment = env
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        return p
    }

    private init(process: Process, log: URL) {
        self.process = process
        self.log = log
    }

    /// SIGKILL, then wait for it to be gone.
    func kill9() async {
        kill(process.processIdentifier, SIGKILL)
        _ = await process.waitForExit(timeout: .seconds(10))
    }

    /// SIGTERM (graceful); SIGKILL when it has not exited within 10 s.
    func stop() async {
        process.terminate()
        if await !process.waitForExit(timeout: .seconds(10)) { await kill9() }
    }

    /// Writes the native stack of every thread of the process to `file` (with gdb, when installed).
    func dumpThreads(to file: URL) async {
        guard process.isRunning, FileManager.default.isExecutableFile(atPath: "/usr/bin/gdb") else { return }
        let gdb = Process()
        gdb.executableURL = URL(fileURLWithPath: "/usr/bin/gdb")
        gdb.arguments = ["-p", String(process.processIdentifier), "-batch", "-ex", "thread apply all bt 30"]
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        guard let out = try? FileHandle(forWritingTo: file) else { return }
        defer { try? out.close() }
        gdb.standardOutput = out
        gdb.standardError = out
        guard (try? gdb.run()) != nil else { return }
        if await !gdb.waitForExit(timeout: .seconds(60)) { gdb.terminate() }
    }

    /// SIGKILL without waiting (for `defer`, where nothing can be awaited).
    func killNow() {
        kill(process.processIdentifier, SIGKILL)
    }
}
