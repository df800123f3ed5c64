import Foundation

/// Runs a program to its end without blocking a thread: its output goes to files (a pipe read
/// to its end would hold one of the few threads of Swift's cooperative pool for as long as the
/// program runs, and on a 2-core machine stall every other test's timers and sleeps with it).
public enum ChildProcess {
    /// A finished program: exit status (or the signal's number when killed) and its output.
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `executable arguments` with `environment` (default: this process's), `stdin` as its
    /// standard input, and waits for its end.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, stdin: [UInt8] = []
    ) async throws -> Output {
        let dir = FileManager.default.temporaryDirectory
        let id = UUID().uuidString
        let files = ["in", "out", "err"].map { dir.appendingPathComponent("relay-child-\(id).\($0)") }
        defer { for f in files { try? FileManager.default.removeItem(at: f) } }
        guard FileManager.default.createFile(atPath: files[0].path, contents: Data(stdin)) else {
            throw CocoaError(.fileWriteUnknown)
        }
        for f in files.dropFirst() { _ = FileManager.default.createFile(atPath: f.path, contents: nil) }
        let input = try FileHandle(forReadingFrom: files[0])
        let output = try FileHandle(forWritingTo: files[1])
        let errors = try FileHandle(forWritingTo: files[2])
        defer { for h in [input, output, errors] { try? h.close() } }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let environment { p.environment = environment }
        p.standardInput = input
        p.standardOutput = output
        p.standardError = errors
        try await withCheckedThrowingContinuation { (finished: CheckedContinuation<Void, any Error>) in
            p.terminationHandler = { _ in finished.resume() }
            do { try p.run() } catch {
                p.terminationHandler = nil
                finished.resume(throwing: error)
            }
        }
        return Output(
            status: p.terminationStatus, stdout: (try? String(contentsOf: files[1], encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: files[2], encoding: .utf8)) ?? "")
    }
}
