import Foundation
import RelayLocal
import RelayTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built `relay-gateway` executable (next to the test bundle: `swift build --build-tests`
/// builds both), run as a real process.
struct GatewayBinary {
    /// The process, started.
    let process: Process
    /// Where its standard error goes.
    let errPath: String

    /// The executable's path.
    static var path: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("relay-gateway").path
    }

    /// Starts `relay-gateway serve` with exactly `environment`, standard error into a file of
    /// `directory` (not a pipe: see KeysCommandTests), runs `body`, and kills the process if it
    /// still runs when `body` ends or throws.
    static func serve<T>(
        environment: [String: String], in directory: TemporaryDirectory, isolation: isolated (any Actor)? = #isolation,
        _ body: (GatewayBinary) async throws -> T
    ) async throws -> T {
        try #require(FileManager.default.isExecutableFile(atPath: path), "build relay-gateway first")
        let errPath = directory.path("stderr")
        try #require(FileManager.default.createFile(atPath: errPath, contents: nil))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        defer { try? err.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["serve"]
        process.environment = environment
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let binary = GatewayBinary(process: process, errPath: errPath)
        do {
            let result = try await body(binary)
            await binary.killNow()
            return result
        } catch {
            await binary.killNow()
            throw error
        }
    }

    /// Runs `relay-gateway serve` with exactly `environment` until it exits (it is expected to
    /// refuse to start); nil when it still runs after 30 s (then it is killed).
    static func exitStatus(environment: [String: String]) async throws -> (status: Int32, stderr: String)? {
        try await TemporaryDirectory.with(prefix: "relay-gw-binary-") { directory in
            try await serve(environment: environment, in: directory) { binary in
                guard await binary.process.waitForExit() else { return nil }
                return (binary.process.terminationStatus, try binary.standardError())
            }
        }
    }

    /// What the process wrote to standard error so far.
    func standardError() throws -> String {
        try String(contentsOfFile: errPath, encoding: .utf8)
    }

    /// SIGKILL when it still runs, and waits for it to be gone.
    private func killNow() async {
        guard process.isRunning else { return }
        _ = kill(process.processIdentifier, SIGKILL)
        _ = await process.waitForExit()
    }
}
