import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A running `tools/opa_server.py`: the real OPA engine behind OPA's REST API on 127.0.0.1.
///
/// Started with `--port 0` (or a given port) and `--exit-on-stdin-eof`: this object holds the
/// server's standard input, so the server exits with the process that started it even when that
/// process dies without calling ``stop()``. Used by the tests and by `relay-local`.
public final class OPAServer: Sendable {
    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// Base URL, e.g. `http://127.0.0.1:41033`.
    public var url: String { "http://127.0.0.1:\(port)" }
    /// The server's process id.
    public let pid: Int32

    private let process: Mutex<ProcessBox>

    private struct ProcessBox: @unchecked Sendable {
        let process: Process
        let stdin: Pipe
        let stdout: Pipe
        let ownedLog: String?
    }

    private init(port: Int, box: ProcessBox) {
        self.port = port
        self.pid = box.process.processIdentifier
        self.process = Mutex(box)
    }

    /// Starts the server and waits (up to 60 s) for its `listening on PORT` line.
    ///
    /// - Parameters:
    ///   - script: path of `tools/opa_server.py`.
    ///   - port: TCP port, 0 for a free one.
    ///   - policyDirectory: `*.rego` files to load at start.
    ///   - log: file for the server's request log and errors (default: a temporary file,
    ///     removed by ``stop()``).
    ///   - python: the Python interpreter (looked up on `PATH`).
    public static func start(
        script: String, port: Int = 0, policyDirectory: String? = nil, log: String? = nil, python: String = "python3"
    ) async throws -> OPAServer {
        guard FileManager.default.fileExists(atPath: script) else {
            throw OPAServerError.scriptNotFound(script)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = [python, script, "--port", "\(port)", "--exit-on-stdin-eof"]
        if let policyDirectory { arguments += ["--policy-dir", policyDirectory] }
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        let ownedLog = log == nil
        let log = log ?? FileManager.default.temporaryDirectory.appendingPathComponent("relay-opa-server-\(UUID().uuidString).log").path
        if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        guard let errorHandle = FileHandle(forWritingAtPath: log) else { throw OPAServerError.launchFailed("cannot write \(log)") }
        errorHandle.seekToEndOfFile()
        process.standardError = errorHandle
        do {
            try process.run()
        } catch {
            throw OPAServerError.launchFailed("\(python) \(script): \(error)")
        }
        let box = ProcessBox(process: process, stdin: stdin, stdout: stdout, ownedLog: ownedLog ? log : nil)
        let pid = process.processIdentifier
        // A server that never prints its line is killed, which ends the read below with EOF.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            kill(pid, SIGKILL)
        }
        let reader = stdout.fileHandleForReading
        let line = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            DispatchQueue.global().async {
                var bytes: [UInt8] = []
                while !bytes.contains(0x0A) {
                    let chunk = reader.availableData
                    if chunk.isEmpty { break }
                    bytes += chunk
                }
                continuation.resume(returning: String(decoding: bytes.prefix { $0 != 0x0A }, as: UTF8.self))
            }
        }
        watchdog.cancel()
        let prefix = "listening on "
        guard line.hasPrefix(prefix), let chosen = Int(line.dropFirst(prefix.count)) else {
            let detail = (try? String(contentsOfFile: log, encoding: .utf8))?
                .split(separator: "\n").suffix(5).joined(separator: "\n") ?? ""
            await OPAServer(port: port, box: box).stop()
            throw OPAServerError.startFailed(firstLine: line, logTail: detail)
        }
        return OPAServer(port: chosen, box: box)
    }

    /// Whether the server process is still running.
    public var isRunning: Bool { process.withLock { $0.process.isRunning } }

    /// Stops the server: SIGTERM, then SIGKILL after 5 s. Safe to call more than once.
    public func stop() async {
        let (process, ownedLog) = self.process.withLock { ($0.process, $0.ownedLog) }
        if process.isRunning {
            kill(pid, SIGTERM)
            for _ in 0..<100 where process.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
            if process.isRunning {
                kill(pid, SIGKILL)
                for _ in 0..<100 where process.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
            }
        }
        if let ownedLog { try? FileManager.default.removeItem(atPath: ownedLog) }
    }
}
