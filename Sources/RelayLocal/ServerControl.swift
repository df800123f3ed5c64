import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs initdb and pg_ctl for one cluster directory.
struct ServerControl: Sendable {
    static let host = "127.0.0.1"
    static let superuser = "postgres"
    /// Settings the harness owns; extra settings cannot change them.
    static let reservedSettings: Set<String> = ["listen_addresses", "port", "unix_socket_directories"]
    static let defaultSettings = ["fsync": "on", "max_connections": "200"]

    let layout: ClusterLayout
    let binaries: PostgresBinaries
    let account: ServerAccount
    /// Defaults merged with the caller's extra settings (reserved ones dropped).
    let settings: [String: String]
    let logger: Logger

    /// Merges `extra` over the defaults, rejecting malformed names and dropping reserved ones.
    static func mergedSettings(_ extra: [String: String], logger: Logger) throws -> [String: String] {
        var merged = defaultSettings
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.")
        for (name, value) in extra {
            guard !name.isEmpty, name.allSatisfy(allowed.contains) else { throw PostgresClusterError.invalidSetting(name) }
            if reservedSettings.contains(name.lowercased()) {
                logger.warning("ignoring extra setting reserved by the harness", metadata: ["setting": "\(name)"])
                continue
            }
            merged[name] = value
        }
        return merged
    }

    /// Environment for child processes: ours without `PG*` variables (which would redirect
    /// psql or pg_ctl elsewhere), with the C locale so that messages are stable.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        env["LC_ALL"] = "C"
        env["LANG"] = "C"
        for (k, v) in extra { env[k] = v }
        return env
    }

    /// An invocation of a server tool (`initdb`, `pg_ctl`) as the server account.
    func serverInvocation(_ tool: String, _ arguments: [String], timeout: Duration) -> ProcessInvocation {
        let (executable, args) = account.command(binaries.path(tool), arguments)
        // The server account may not be able to enter our working directory; use the cluster's.
        let cwd = layout.exists ? layout.directory : "/"
        return ProcessInvocation(executable, args, environment: Self.environment(), currentDirectory: cwd, timeout: timeout)
    }

    func initdb() async throws {
        let args = [
            "-D", layout.dataDirectory, "-U", Self.superuser, "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync",
            "--no-instructions",
        ]
        try await ProcessRunner.runChecked(serverInvocation("initdb", args, timeout: .seconds(180)))
    }

    /// The `-o` string for pg_ctl, which hands it to `/bin/sh`: each `-c` is shell-quoted.
    func serverOptions(port: Int) -> String {
        var all = settings
        all["listen_addresses"] = Self.host
        all["port"] = String(port)
        all["unix_socket_directories"] = layout.socketDirectory
        return all.keys.sorted().map { "-c " + ShellQuoting.quote("\($0)=\(all[$0]!)") }.joined(separator: " ")
    }

    enum StartOutcome {
        case started
        case portInUse(logTail: String)
        case failed(PostgresClusterError)
    }

    /// `pg_ctl start -w -t 60`; tells a taken port apart from other failures.
    func start(port: Int) async -> StartOutcome {
        let offset = layout.logSize
        let args = [
            "start", "-w", "-t", "60", "-D", layout.dataDirectory, "-l", layout.logFile, "-o", serverOptions(port: port),
        ]
        let invocation = serverInvocation("pg_ctl", args, timeout: .seconds(90))
        let output: ProcessOutput
        do {
            output = try await ProcessRunner.run(invocation)
        } catch {
            return .failed(error as? PostgresClusterError ?? .launchFailed(command: invocation.commandLine, reason: "\(error)"))
        }
        if output.succeeded { return .started }
        let log = layout.log(from: offset)
        if log.contains("Address already in use") || log.contains("could not create any TCP/IP sockets") {
            return .portInUse(logTail: log.tail())
        }
        let detail = [output.errorTail, log.tail()].filter { !$0.isEmpty }.joined(separator: "\n")
        if output.timedOut {
            return .failed(.commandTimedOut(command: invocation.commandLine, seconds: 90, stderrTail: detail))
        }
        return .failed(.commandFailed(command: invocation.commandLine, exitCode: output.exitCode, stderrTail: detail))
    }

    /// Stops the server if it is running: `pg_ctl stop -m fast`, then `-m immediate`, then
    /// SIGKILL of the verified postmaster.
    func stop(fastFirst: Bool = true) async throws {
        guard let pid = Postmaster.runningPID(layout) else { return }
        for mode in fastFirst ? ["fast", "immediate"] : ["immediate"] {
            let invocation = serverInvocation("pg_ctl", ["stop", "-D", layout.dataDirectory, "-m", mode, "-w", "-t", "60"], timeout: .seconds(75))
            let output = try? await ProcessRunner.run(invocation)
            if try await offCooperativePool({ Postmaster.waitUntilGone(pid, timeout: 5) }) { return }
            logger.warning(
                "pg_ctl stop -m \(mode) did not stop the server",
                metadata: ["directory": "\(layout.directory)", "stderr": "\(output?.errorTail ?? "(not run)")"])
        }
        try await offCooperativePool { try killVerified(pid) }
    }

    /// Synchronous stop for `atexit` and reaping: `pg_ctl stop -m immediate`, then SIGKILL.
    func stopImmediatelySync() throws {
        guard let pid = Postmaster.runningPID(layout) else { return }
        let invocation = serverInvocation("pg_ctl", ["stop", "-D", layout.dataDirectory, "-m", "immediate", "-w", "-t", "30"], timeout: .seconds(40))
        let output = try? ProcessRunner.runSync(invocation)
        if Postmaster.waitUntilGone(pid, timeout: 5) { return }
        logger.warning(
            "pg_ctl stop -m immediate did not stop the server; sending SIGKILL",
            metadata: ["directory": "\(layout.directory)", "stderr": "\(output?.errorTail ?? "(not run)")"])
        try killVerified(pid)
    }

    /// SIGKILLs `pid` only while it is still this cluster's postmaster.
    func killVerified(_ pid: pid_t) throws {
        guard Postmaster.isPostmaster(pid, of: layout) else { return }
        if !Postmaster.killHard(pid) {
            throw PostgresClusterError.stopFailed(directory: layout.directory, pid: pid)
        }
    }
}
