import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Who runs `initdb`, `pg_ctl` and `postgres`.
///
/// PostgreSQL refuses to run as root. When this process is root, server commands are run
/// as the `postgres` OS account through `runuser -u postgres --`, and the cluster's
/// directories are chowned to it. Otherwise they run directly as the current user.
struct ServerAccount: Sendable {
    static let osUserName = "postgres"

    /// `runuser` path when switching users, nil when running directly.
    let runuser: String?
    let uid: uid_t?
    let gid: gid_t?

    static func current() throws -> ServerAccount { try cached.get() }

    private static let cached: Result<ServerAccount, PostgresClusterError> = Result { try resolve() }
        .mapError { $0 as? PostgresClusterError ?? .serverAccountUnavailable("\($0)") }

    private static func resolve() throws -> ServerAccount {
        guard geteuid() == 0 else { return ServerAccount(runuser: nil, uid: nil, gid: nil) }
        guard let ids = lookUp(osUserName) else {
            throw PostgresClusterError.serverAccountUnavailable(
                "there is no OS user \"\(osUserName)\" (install PostgreSQL's server package, or run as a non-root user)")
        }
        let candidates = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"]
        guard let runuser = candidates.first(where: { access($0, X_OK) == 0 }) else {
            throw PostgresClusterError.serverAccountUnavailable(
                "runuser was not found in \(candidates.joined(separator: ", ")) (install util-linux)")
        }
        return ServerAccount(runuser: runuser, uid: ids.uid, gid: ids.gid)
    }

    private static func lookUp(_ name: String) -> (uid: uid_t, gid: gid_t)? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        let rc = getpwnam_r(name, &entry, &buffer, buffer.count, &result)
        guard rc == 0, result != nil else { return nil }
        return (entry.pw_uid, entry.pw_gid)
    }

    /// The executable and arguments that run `tool` with `arguments` as this account.
    func command(_ tool: String, _ arguments: [String]) -> (String, [String]) {
        guard let runuser else { return (tool, arguments) }
        return (runuser, ["-u", Self.osUserName, "--", tool] + arguments)
    }

    /// Hands `path` to the server account (no-op when not switching users).
    func adopt(_ path: String) throws {
        guard let uid, let gid else { return }
        if chown(path, uid, gid) != 0 {
            throw PostgresClusterError.fileSystem(path: path, reason: "chown to \(Self.osUserName): \(String(cString: strerror(errno)))")
        }
    }
}
