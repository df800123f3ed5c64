import ArgumentParser
import AsyncHTTPClient
import Dispatch
import Foundation

/// Child processes of `relay-local`: launch with a log file, wait for health, stop.
enum LocalProcess {
    /// Path of an executable built next to this one (same build folder).
    static func sibling(_ name: String) -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent(name).path
    }

    static func launch(executable: String, arguments: [String] = [], environment: [String: String], log: URL) throws -> Process {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ValidationError("\(executable) not found; build it first (make run does)")
        }
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        return p
    }

    /// Polls `url` until it answers 200, the process exits, or 60 s pass.
    static func waitForHealth(_ url: String, process: Process, log: URL) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                let tail = (try? String(contentsOf: log, encoding: .utf8))?.split(separator: "\n").suffix(5).joined(separator: "\n") ?? ""
                throw ValidationError("\(process.executableURL?.lastPathComponent ?? "process") exited (status \(process.terminationStatus)); last log lines:\n\(tail)")
            }
            var request = HTTPClientRequest(url: url)
            request.method = .GET
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)), response.status == .ok {
                return
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw ValidationError("\(url) not healthy after 60 s; see \(log.path)")
    }

    /// SIGTERM, then SIGKILL after 10 s.
    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<100 where process.isRunning { usleep(100_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Suspends until SIGINT or SIGTERM.
    static func waitForTerminationSignal() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = OnceFlag()
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler {
                    if once.take() { continuation.resume() }
                }
                source.resume()
                Sources.keep.append(source)
            }
        }
    }
}

/// Keeps signal sources alive for the life of the process.
private enum Sources {
    nonisolated(unsafe) static var keep: [any DispatchSourceSignal] = []
}

/// True exactly once.
private final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var taken = false
    func take() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if taken { return false }
        taken = true
        return true
    }
}
