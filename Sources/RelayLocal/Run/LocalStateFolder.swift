import Foundation

/// The state folder of a local run (`.local` by default): `logs/`, `keys/` (mode 0700) and,
/// while `up --regions` runs, `control/` (see ``ProcessControlFolder``).
public struct LocalStateFolder: Equatable, Sendable {
    /// The folder, absolute.
    public let root: URL

    /// The folder at `path`, relative to the working directory unless absolute.
    public init(_ path: String) {
        root = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    }

    /// Every child process's log, and the traffic log.
    public var logs: URL { root.appendingPathComponent("logs") }
    /// Key and secret files, 0600 each.
    public var keys: URL { root.appendingPathComponent("keys") }

    /// Creates `logs/`, and `keys/` with mode 0700.
    func create() throws {
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
}
