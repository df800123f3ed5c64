import AsyncHTTPClient
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The long-running children of a local run (gateways, relay-dr daemons): launch with a log
/// file, wait for health, stop.
///
/// Foundation's `Process` is fine here (unlike for `pg_ctl`, see ``ProcessRunner``): these
/// children do not daemonize, so their exit is seen when they exit.
public enum LocalProcess {
    /// The folder of the running executable: `relay-local` finds `relay-gateway` and `relay-dr`
    /// there (the same build folder), and so does a test bundle built next to them.
    public static var executableDirectory: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path
    }

    /// Starts `spec` with its environment added to ours, standard output and error to its log
    /// (emptied first, unless `appendingToLog`: a restart keeps what the first start wrote).
    public static func launch(_ spec: ChildProcessSpec, appendingToLog: Bool = false) throws -> Process {
        guard FileManager.default.isExecutableFile(atPath: spec.executable) else {
            throw LocalRunError.executableNotFound(spec.executable)
        }
        if !appendingToLog || !FileManager.default.fileExists(atPath: spec.log.path) {
            _ = FileManager.default.createFile(atPath: spec.log.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: spec.log)
        if appendingToLog { try handle.seekToEnd() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: spec.executable)
        process.arguments = spec.arguments
        process.environment = ProcessInfo.processInfo.environment.merging(spec.environment) { _, new in new }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Polls `url` until it answers 200, the process exits, `stop` is raised (throws
    /// ``StopSignal/Raised``) or `timeout` passes.
    public static func waitForHealth(
        _ url: String, process: Process, log: URL, stop: StopSignal, timeout: Duration = .seconds(60)
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            try stop.check()
            guard process.isRunning else {
                let tail = (try? String(contentsOf: log, encoding: .utf8))?.split(separator: "\n").suffix(5).joined(separator: "\n") ?? ""
                throw LocalRunError.exited(
                    name: process.executableURL?.lastPathComponent ?? "process", status: process.terminationStatus, logTail: tail)
            }
            if await answers(url) { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw LocalRunError.notHealthy(url: url, seconds: Int(timeout.components.seconds), log: log.path)
    }

    /// Whether `GET url` answers 200 within 2 s.
    public static func answers(_ url: String) async -> Bool {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)) else { return false }
        return response.status == .ok
    }

    /// SIGTERM, then SIGKILL after `grace`; returns once the process has exited.
    public static func stop(_ process: Process, grace: Duration = .seconds(10)) async {
        guard process.isRunning else { return }
        process.terminate()
        if await process.waitForExit(timeout: grace) { return }
        kill(process.processIdentifier, SIGKILL)
        _ = await process.waitForExit(timeout: .seconds(10))
    }
}
