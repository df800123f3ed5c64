import Foundation
import RelayLocal

/// One run of the built `relay-dr` as an operator would type it, its output captured in files
/// (pipes could fill up and block it) that are removed afterwards.
enum RelayDRInvocation {
    struct Result: Sendable {
        /// Exit status; -1 when it was killed after the timeout.
        let status: Int32
        let stdout: String
        /// stderr, or "" when it went to `stdout` (`merged`).
        let stderr: String
    }

    /// Runs `relay-dr arguments` with `environment` in `directory`; with `merged`, stderr goes to
    /// stdout. Killed (SIGKILL) after `timeout`.
    static func run(
        _ arguments: [String], environment: [String: String], directory: URL, timeout: Duration, merged: Bool = false
    ) async throws -> Result {
        let out = directory.appendingPathComponent(".relay-dr-\(UUID()).out")
        let err = directory.appendingPathComponent(".relay-dr-\(UUID()).err")
        for f in [out, err] { _ = FileManager.default.createFile(atPath: f.path, contents: nil) }
        let outHandle = try FileHandle(forWritingTo: out)
        let errHandle = try FileHandle(forWritingTo: err)
        defer {
            try? outHandle.close()
            try? errHandle.close()
            for f in [out, err] { try? FileManager.default.removeItem(at: f) }
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ChainerProcess.executable)
        p.arguments = arguments
        p.environment = environment
        p.currentDirectoryURL = directory
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = outHandle
        p.standardError = merged ? outHandle : errHandle
        try p.run()
        var killed = false
        if await !p.waitForExit(timeout: timeout) {
            kill(p.processIdentifier, SIGKILL)
            _ = await p.waitForExit(timeout: .seconds(10))
            killed = true
        }
        let stdout = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        return Result(status: killed ? -1 : p.terminationStatus, stdout: killed ? "killed after \(timeout): " + stdout : stdout, stderr: stderr)
    }
}
