import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `owner.pid` file in a cluster directory: the creating process's pid and start time
/// (field 22 of `/proc/<pid>/stat`), so that a recycled pid is not taken for the owner.
///
/// Format: one line, `<pid> <starttime>`.
struct OwnerMarker: Equatable, Sendable {
    static let fileName = "owner.pid"

    var pid: pid_t
    var startTime: UInt64

    /// The marker for this process.
    static let current = OwnerMarker(pid: getpid(), startTime: ProcFS.stat(getpid())?.startTime ?? 0)

    var text: String { "\(pid) \(startTime)\n" }

    init(pid: pid_t, startTime: UInt64) {
        self.pid = pid
        self.startTime = startTime
    }

    init?(text: String) {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count == 2, let pid = pid_t(parts[0]), pid > 0, let start = UInt64(parts[1]) else { return nil }
        self.init(pid: pid, startTime: start)
    }

    /// Reads the marker of `directory`; nil if absent, not a regular file, or malformed.
    static func read(in directory: String) -> OwnerMarker? {
        let path = directory + "/" + fileName
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size < 256,
            let text = try? String(contentsOfFile: path, encoding: .utf8)
        else { return nil }
        return OwnerMarker(text: text)
    }

    /// Writes the marker into `directory` atomically (temporary file, then rename).
    func write(in directory: String) throws {
        let path = directory + "/" + Self.fileName
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw PostgresClusterError.fileSystem(path: path, reason: "\(error)")
        }
    }

    /// Whether the process this marker names is still running: same pid, same start time,
    /// not a zombie.
    var isOwnerAlive: Bool {
        guard let s = ProcFS.stat(pid), s.state != "Z", s.state != "X" else { return false }
        return s.startTime == startTime
    }
}
