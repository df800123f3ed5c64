import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The PostgreSQL bin directory the harness uses.
///
/// Looked up once per process: `RELAY_PG_BINDIR` if set (and then only it), else
/// `/usr/lib/postgresql/15/bin`, else `pg_config --bindir`, else the first `PATH` entry
/// holding `initdb`.
struct PostgresBinaries: Sendable {
    static let required = ["initdb", "pg_ctl", "postgres", "psql"]
    static let defaultDirectory = "/usr/lib/postgresql/15/bin"

    let directory: String

    func path(_ tool: String) -> String { directory + "/" + tool }

    static func located() throws -> PostgresBinaries { try cached.get() }

    private static let cached: Result<PostgresBinaries, PostgresClusterError> = Result { try locate() }
        .mapError { $0 as? PostgresClusterError ?? .binariesNotFound(searched: ["\($0)"]) }

    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PostgresBinaries {
        if let override = environment["RELAY_PG_BINDIR"], !override.isEmpty {
            guard isUsable(override) else { throw PostgresClusterError.binariesNotFound(searched: ["RELAY_PG_BINDIR=\(override)"]) }
            return PostgresBinaries(directory: override)
        }
        var searched = [defaultDirectory]
        if isUsable(defaultDirectory) { return PostgresBinaries(directory: defaultDirectory) }

        let path = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        if let pgConfig = path.map({ $0 + "/pg_config" }).first(where: { access($0, X_OK) == 0 }) {
            let output = try? ProcessRunner.runSync(ProcessInvocation(pgConfig, ["--bindir"], timeout: .seconds(15)))
            if let output, output.succeeded {
                let dir = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                searched.append("\(pgConfig) --bindir → \(dir)")
                if isUsable(dir) { return PostgresBinaries(directory: dir) }
            } else {
                searched.append("\(pgConfig) --bindir (failed)")
            }
        }
        for dir in path where access(dir + "/initdb", X_OK) == 0 {
            searched.append(dir)
            if isUsable(dir) { return PostgresBinaries(directory: dir) }
        }
        searched.append("PATH")
        throw PostgresClusterError.binariesNotFound(searched: searched)
    }

    static func isUsable(_ directory: String) -> Bool {
        required.allSatisfy { access(directory + "/" + $0, X_OK) == 0 }
    }
}
