import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A temporary PostgreSQL cluster on a loopback port, in its own directory under `/tmp`
/// (or `RELAY_PG_TMPDIR`), for tests and local runs.
///
/// The superuser `postgres` connects without a password (trust authentication) at
/// ``host``:``port``. Call ``stop(removeDirectory:)`` when done; a cluster left behind by a
/// process that died is removed by ``reapLeftovers(logger:)``, which every ``start(_:logger:)``
/// runs first. Lifecycle calls (`stop`, `kill9`, `restart`) are not meant to race each other.
public final class PostgresCluster: Sendable {
    /// The address the server listens on: `127.0.0.1`.
    public let host: String
    /// The TCP port the server listens on.
    public let port: Int
    /// The server's log file (inside the cluster directory, so it is removed with it).
    public var logFile: String { layout.logFile }
    /// The superuser role, `postgres`, with trust authentication.
    public let superuser: String
    /// The cluster's directory, `/tmp/relay-pg-<name>-<random>`, holding `data/`, `sock/`,
    /// `postgres.log` and the `owner.pid` marker.
    public let directory: String

    let control: ServerControl
    private let phase: Mutex<Phase>

    enum Phase: Sendable, Equatable {
        /// Started by us and not stopped since (it may have died or been killed).
        case running
        /// Stopped or killed; files kept, ``restart()`` possible.
        case down
        /// Stopped and the directory deleted.
        case removed
    }

    var layout: ClusterLayout { control.layout }
    var logger: Logger { control.logger }

    init(control: ServerControl, port: Int) {
        self.host = ServerControl.host
        self.port = port
        self.superuser = ServerControl.superuser
        self.directory = control.layout.directory
        self.control = control
        self.phase = Mutex(.running)
    }

    // MARK: Starting

    /// Creates, initializes and starts a new cluster, after reaping clusters left behind by
    /// dead processes.
    ///
    /// Runs `initdb -U postgres -A trust -E UTF8 --no-locale --no-sync`, then
    /// `pg_ctl start -w -t 60` with `listen_addresses=127.0.0.1`, the port, a private socket
    /// directory, `fsync=on`, `max_connections=200` and ``PostgresClusterOptions/extraSettings``.
    /// If a picked port is taken before the server binds it, another is tried (5 attempts).
    /// On failure everything created is stopped and deleted, and the error carries the
    /// failing command and the end of its output or of the server log.
    public static func start(
        _ options: PostgresClusterOptions = .init(),
        logger: Logger = Logger(label: "relay.local.postgres")
    ) async throws -> PostgresCluster {
        try await start(options, logger: logger, root: ClusterLayout.defaultRoot())
    }

    /// ``start(_:logger:)`` with cluster directories (and reaping) under `root`.
    static func start(_ options: PostgresClusterOptions, logger: Logger, root: String) async throws -> PostgresCluster {
        let began = ContinuousClock.now
        let root = ClusterLayout.normalize(root)
        _ = try await offCooperativePool { reapLeftovers(in: root, logger: logger) }
        let binaries = try PostgresBinaries.located()
        let account = try ServerAccount.current()
        let settings = try ServerControl.mergedSettings(options.extraSettings, logger: logger)
        let layout = try await offCooperativePool { try ClusterLayout.create(in: root, label: options.name, account: account) }
        var clusterLogger = logger
        clusterLogger[metadataKey: "pg.directory"] = "\(layout.directory)"
        let control = ServerControl(layout: layout, binaries: binaries, account: account, settings: settings, logger: clusterLogger)
        do {
            try await control.initdb()
            let attempts = options.port == nil ? 5 : 1
            var port = 0
            var lastLog = ""
            for attempt in 1...attempts {
                port = try options.port ?? LoopbackPort.pickFree()
                switch await control.start(port: port) {
                case .started:
                    clusterLogger.info(
                        "PostgreSQL cluster started",
                        metadata: [
                            "pg.port": "\(port)", "pg.bindir": "\(binaries.directory)",
                            "elapsed": "\(ContinuousClock.now - began)",
                        ])
                    return PostgresCluster(control: control, port: port)
                case .portInUse(let logTail):
                    lastLog = logTail
                    clusterLogger.notice("port was taken before the server bound it", metadata: ["pg.port": "\(port)", "attempt": "\(attempt)"])
                case .failed(let error):
                    throw error
                }
            }
            throw PostgresClusterError.startFailed(directory: layout.directory, port: port, attempts: attempts, logTail: lastLog)
        } catch {
            try? await control.stop(fastFirst: false)
            try? await offCooperativePool { try layout.remove() }
            throw error
        }
    }

    // MARK: SQL

    /// Runs `sql` with `psql -X -A -t -q -v ON_ERROR_STOP=1` as the superuser on `database`
    /// and returns its standard output without trailing newlines (rows on separate lines,
    /// columns separated by `|`). The SQL is fed on standard input, so it may hold several
    /// statements and psql meta-commands; each statement runs in its own transaction unless
    /// the script says otherwise. Throws ``PostgresClusterError/sqlFailed(database:sqlExcerpt:exitCode:stderrTail:)``
    /// with psql's error output on failure.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") async throws -> String {
        try ensureNotRemoved()
        let arguments = [
            "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1",
            "-h", host, "-p", String(port), "-U", superuser, "-d", database, "-f", "-",
        ]
        let invocation = ProcessInvocation(
            control.binaries.path("psql"), arguments,
            environment: ServerControl.environment(["PGCONNECT_TIMEOUT": "60", "PGCLIENTENCODING": "UTF8"]),
            currentDirectory: "/", standardInput: sql, timeout: .seconds(600))
        let output = try await ProcessRunner.run(invocation)
        if output.timedOut {
            throw PostgresClusterError.commandTimedOut(command: invocation.commandLine, seconds: 600, stderrTail: output.errorTail)
        }
        guard output.exitCode == 0 else {
            let flat = sql.split(whereSeparator: \.isNewline).joined(separator: " ")
            let excerpt = flat.count > 300 ? String(flat.prefix(300)) + "…" : flat
            throw PostgresClusterError.sqlFailed(database: database, sqlExcerpt: excerpt, exitCode: output.exitCode, stderrTail: output.errorTail)
        }
        return output.stdout.trimmingTrailingNewlines()
    }

    /// Creates database `name` (quoted as an identifier, so any name works), optionally owned
    /// by role `owner`.
    public func createDatabase(_ name: String, owner: String? = nil) async throws {
        var sql = "CREATE DATABASE " + SQLQuoting.identifier(name)
        if let owner { sql += " OWNER " + SQLQuoting.identifier(owner) }
        _ = try await psql(sql)
    }

    /// Drops database `name`, disconnecting its sessions first (`WITH (FORCE)`); does nothing
    /// if it does not exist.
    public func dropDatabase(_ name: String) async throws {
        _ = try await psql("DROP DATABASE IF EXISTS \(SQLQuoting.identifier(name)) WITH (FORCE)")
    }

    /// Creates role `name` with `password` (or none when nil), `LOGIN` or `NOLOGIN`, and
    /// `SUPERUSER` or `NOSUPERUSER`.
    public func createRole(_ name: String, password: String?, login: Bool = true, superuser: Bool = false) async throws {
        let sql = "CREATE ROLE \(SQLQuoting.identifier(name)) WITH \(login ? "LOGIN" : "NOLOGIN") "
            + "\(superuser ? "SUPERUSER" : "NOSUPERUSER") PASSWORD \(password.map(SQLQuoting.literal) ?? "NULL")"
        _ = try await psql(sql)
    }

    // MARK: Lifecycle

    /// Stops the server (`pg_ctl stop -m fast`, falling back to `-m immediate`, then SIGKILL)
    /// and, unless `removeDirectory` is false, deletes the cluster directory.
    ///
    /// Idempotent: stopping a stopped or removed cluster does nothing (beyond deleting the
    /// directory if asked and still there). After `stop(removeDirectory: false)` the cluster
    /// can be started again with ``restart()``.
    public func stop(removeDirectory: Bool = true) async throws {
        if phase.withLock({ $0 }) == .removed { return }
        try await control.stop()
        phase.withLock { $0 = .down }
        guard removeDirectory else { return }
        let layout = layout
        try await offCooperativePool { try layout.remove() }
        phase.withLock { $0 = .removed }
        ExitCleanup.unregister(self)
        logger.info("PostgreSQL cluster stopped and removed")
    }

    /// Kills the postmaster and its server processes with SIGKILL, as a crash would, leaving
    /// every file in place (for crash-recovery tests); ``restart()`` brings it back.
    ///
    /// The pid comes from `data/postmaster.pid` and is killed only if `/proc/<pid>/cmdline`
    /// shows a postgres process whose `-D` is inside this cluster's directory. Waits up to
    /// 15 s for the processes to be gone. Throws
    /// ``PostgresClusterError/postmasterNotRunning(directory:)`` if there is none.
    public func kill9() throws {
        try ensureNotRemoved()
        guard let pid = Postmaster.runningPID(layout) else {
            throw PostgresClusterError.postmasterNotRunning(directory: directory)
        }
        phase.withLock { $0 = .down }
        logger.info("sending SIGKILL to the postmaster", metadata: ["pid": "\(pid)"])
        if !Postmaster.killHard(pid) {
            throw PostgresClusterError.stopFailed(directory: directory, pid: pid)
        }
    }

    /// Starts the server again on the same port and data directory, after ``kill9()`` or
    /// `stop(removeDirectory: false)` (crash recovery runs if needed). A running server is
    /// stopped first (`-m fast`). Throws ``PostgresClusterError/directoryRemoved(_:)`` once the
    /// directory has been deleted.
    public func restart() async throws {
        try ensureNotRemoved()
        try await control.stop()
        Postmaster.clearStaleLockFiles(layout)
        switch await control.start(port: port) {
        case .started:
            phase.withLock { $0 = .running }
            logger.info("PostgreSQL cluster restarted", metadata: ["pg.port": "\(port)"])
        case .portInUse(let logTail):
            throw PostgresClusterError.startFailed(directory: directory, port: port, attempts: 1, logTail: logTail)
        case .failed(let error):
            throw error
        }
    }

    /// Synchronous `pg_ctl stop -m immediate` (then SIGKILL) and directory removal, for exit handlers.
    func stopImmediatelyAndRemoveSync() {
        if phase.withLock({ $0 }) == .removed { return }
        do {
            try control.stopImmediatelySync()
            try layout.remove()
            phase.withLock { $0 = .removed }
        } catch {
            logger.error("could not clean up PostgreSQL cluster at exit", metadata: ["error": "\(error)"])
        }
    }

    private func ensureNotRemoved() throws {
        if phase.withLock({ $0 }) == .removed { throw PostgresClusterError.directoryRemoved(directory) }
    }
}
