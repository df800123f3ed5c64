import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Paths inside one cluster directory `<root>/relay-pg-<name>-<random>`:
/// `owner.pid`, `data/`, `sock/` and `postgres.log`.
struct ClusterLayout: Sendable, Equatable {
    static let directoryPrefix = "relay-pg-"

    let directory: String

    var dataDirectory: String { directory + "/data" }
    var socketDirectory: String { directory + "/sock" }
    var logFile: String { directory + "/postgres.log" }
    var postmasterPIDFile: String { dataDirectory + "/postmaster.pid" }

    /// Where cluster directories live: `RELAY_PG_TMPDIR` if set, else `/tmp`.
    static func defaultRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        normalize(environment["RELAY_PG_TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
    }

    /// `path` made absolute, without `.`/`..` components or a trailing slash (symlinks kept).
    static func normalize(_ path: String) -> String {
        let standardized = URL(fileURLWithPath: path).standardized.path
        return standardized.count > 1 && standardized.hasSuffix("/") ? String(standardized.dropLast()) : standardized
    }

    /// `name` reduced to ASCII letters, digits, `-` and `_` (others become `-`), at most 40 characters.
    static func sanitizedLabel(_ name: String) -> String {
        let mapped = String(name.unicodeScalars.prefix(40).map { s -> Character in
            s.isASCII && (CharacterSet.alphanumerics.contains(s) || s == "-" || s == "_") ? Character(s) : "-"
        })
        return mapped.isEmpty ? "cluster" : mapped
    }

    /// Creates `<root>/relay-pg-<label>-<random>` (mode 0700) with the owner marker and the
    /// socket directory, handed to the server account.
    static func create(in root: String, label: String, account: ServerAccount) throws -> ClusterLayout {
        let template = root + "/" + directoryPrefix + sanitizedLabel(label) + "-XXXXXX"
        var buffer = Array(template.utf8CString)
        guard let made = buffer.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw PostgresClusterError.fileSystem(path: template, reason: "mkdtemp: \(String(cString: strerror(errno)))")
        }
        let layout = ClusterLayout(directory: String(cString: made))
        do {
            // The marker goes in first: a directory without one is never reaped.
            try OwnerMarker.current.write(in: layout.directory)
            if mkdir(layout.socketDirectory, 0o700) != 0 {
                throw PostgresClusterError.fileSystem(path: layout.socketDirectory, reason: String(cString: strerror(errno)))
            }
            try account.adopt(layout.directory)
            try account.adopt(layout.socketDirectory)
        } catch {
            try? layout.remove()
            throw error
        }
        return layout
    }

    /// Whether `path` is a real directory (not a symlink to one).
    static func isRealDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    var exists: Bool { Self.isRealDirectory(directory) }

    /// Deletes the whole directory; succeeds if it is already gone.
    func remove() throws {
        guard exists else { return }
        do {
            try FileManager.default.removeItem(atPath: directory)
        } catch {
            if exists { throw PostgresClusterError.fileSystem(path: directory, reason: "remove: \(error)") }
        }
    }

    /// Current size of the server log, to read only what a start attempt appended.
    var logSize: UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: logFile))?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    /// The log text appended after `offset`.
    func log(from offset: UInt64) -> String {
        guard let handle = FileHandle(forReadingAtPath: logFile) else { return "" }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        return String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
    }
}
