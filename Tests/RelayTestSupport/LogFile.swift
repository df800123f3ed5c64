import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Appends lines to a file from any task (a log sink for daemons run inside a test process).
/// Opened with `O_APPEND`, so several sinks on one file never overwrite each other's lines.
public final class LogFile: Sendable {
    private let handle: Mutex<FileHandle?>

    /// Opens (creating) `url` for appending; lines are dropped if it cannot be opened.
    public init(_ url: URL) {
        let fd = open(url.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        handle = Mutex(fd >= 0 ? FileHandle(fileDescriptor: fd, closeOnDealloc: true) : nil)
    }

    /// Writes `line` and a newline.
    @Sendable public func append(_ line: String) {
        handle.withLock { h in try? h?.write(contentsOf: Data((line + "\n").utf8)) }
    }
}
