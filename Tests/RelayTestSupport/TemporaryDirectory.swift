import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A fresh folder under the system temporary directory that lives only for one scope: ``with(prefix:_:)``
/// creates it, hands it to the body and removes it afterwards — also when the body throws or a
/// check fails — so test runs leave nothing behind (some of these folders hold private keys).
public struct TemporaryDirectory: Sendable {
    /// The folder (`<tmp>/<prefix><6 random characters>`, mode 0700).
    public let url: URL

    /// The folder's path.
    public var path: String { url.path }

    /// The path of `name` inside the folder (`name` may contain slashes).
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Creates a uniquely named folder, runs `body` with it and removes it with everything in it.
    public static func with<T>(prefix: String, _ body: (TemporaryDirectory) throws -> T) throws -> T {
        let directory = try make(prefix: prefix)
        defer { directory.remove() }
        return try body(directory)
    }

    /// Creates a uniquely named folder, runs `body` with it and removes it with everything in it.
    public static func with<T>(
        prefix: String, isolation: isolated (any Actor)? = #isolation, _ body: (TemporaryDirectory) async throws -> T
    ) async throws -> T {
        let directory = try make(prefix: prefix)
        defer { directory.remove() }
        return try await body(directory)
    }

    /// mkdtemp: the name is unique even among parallel tests, and short (a PostgreSQL socket
    /// path under the folder must stay within 107 bytes).
    private static func make(prefix: String) throws -> TemporaryDirectory {
        var template = Array(FileManager.default.temporaryDirectory.appendingPathComponent(prefix + "XXXXXX").path.utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in mkdtemp(buffer.baseAddress!).map { String(cString: $0) } }
        guard let made else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return TemporaryDirectory(url: URL(fileURLWithPath: made, isDirectory: true))
    }

    private func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
