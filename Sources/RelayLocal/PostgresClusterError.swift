/// A failure of the local PostgreSQL harness, worded for the person running it.
public enum PostgresClusterError: Error, CustomStringConvertible, Sendable {
    /// No usable PostgreSQL bin directory (with initdb, pg_ctl, postgres and psql) was found.
    case binariesNotFound(searched: [String])
    /// The process runs as root, but the OS account that must run the server is missing
    /// or `runuser` is not installed.
    case serverAccountUnavailable(String)
    /// A setting name in ``PostgresClusterOptions/extraSettings`` is not a plain identifier.
    case invalidSetting(String)
    /// A file or directory operation failed.
    case fileSystem(path: String, reason: String)
    /// A command could not be launched at all.
    case launchFailed(command: String, reason: String)
    /// A command exited unsuccessfully.
    case commandFailed(command: String, exitCode: Int32, stderrTail: String)
    /// A command ran past its time limit and was terminated.
    case commandTimedOut(command: String, seconds: Int, stderrTail: String)
    /// The server did not come up; `logTail` is the end of the server log for this attempt.
    case startFailed(directory: String, port: Int, attempts: Int, logTail: String)
    /// The server did not stop even after `pg_ctl stop -m immediate` and SIGKILL.
    case stopFailed(directory: String, pid: Int32)
    /// psql reported an error (with `ON_ERROR_STOP=1`).
    case sqlFailed(database: String, sqlExcerpt: String, exitCode: Int32, stderrTail: String)
    /// No live postmaster of this cluster was found (for ``PostgresCluster/kill9()``).
    case postmasterNotRunning(directory: String)
    /// The cluster was stopped and its directory deleted; it cannot be used or restarted.
    case directoryRemoved(String)

    /// A one-paragraph explanation naming what failed, with the tail of its error output.
    public var description: String {
        switch self {
        case .binariesNotFound(let searched):
            return "PostgreSQL binaries not found (need initdb, pg_ctl, postgres, psql). Looked in: "
                + (searched.isEmpty ? "(nothing)" : searched.joined(separator: ", "))
                + ". Install PostgreSQL 15 (apt-get install postgresql-15) or set RELAY_PG_BINDIR to its bin directory."
        case .serverAccountUnavailable(let why):
            return "Cannot run PostgreSQL as root and cannot switch to the server account: \(why)"
        case .invalidSetting(let name):
            return "Invalid PostgreSQL setting name \"\(name)\": use only letters, digits, '_' and '.'."
        case .fileSystem(let path, let reason):
            return "File operation on \(path) failed: \(reason)"
        case .launchFailed(let command, let reason):
            return "Could not launch `\(command)`: \(reason)"
        case .commandFailed(let command, let code, let tail):
            return "`\(command)` failed with exit code \(code)." + Self.tailSuffix(tail)
        case .commandTimedOut(let command, let seconds, let tail):
            return "`\(command)` did not finish within \(seconds) s and was terminated." + Self.tailSuffix(tail)
        case .startFailed(let directory, let port, let attempts, let log):
            return "PostgreSQL in \(directory) failed to start on 127.0.0.1:\(port)"
                + (attempts > 1 ? " (after \(attempts) attempts on different ports)" : "") + "."
                + Self.tailSuffix(log, label: "Server log tail")
        case .stopFailed(let directory, let pid):
            return "PostgreSQL in \(directory) (postmaster pid \(pid)) did not stop, even after SIGKILL."
        case .sqlFailed(let database, let sql, let code, let tail):
            return "psql on database \"\(database)\" failed (exit code \(code)) running: \(sql)" + Self.tailSuffix(tail)
        case .postmasterNotRunning(let directory):
            return "No running postmaster of the cluster in \(directory)."
        case .directoryRemoved(let directory):
            return "The cluster in \(directory) was stopped and its directory deleted; start a new one."
        }
    }

    private static func tailSuffix(_ tail: String, label: String = "stderr") -> String {
        let trimmed = tail.trimmingTrailingNewlines()
        return trimmed.isEmpty ? "" : "\n\(label):\n\(trimmed)"
    }
}

extension String {
    /// The string without trailing `\n` / `\r` characters.
    func trimmingTrailingNewlines() -> String {
        var s = Substring(self)
        while let last = s.last, last == "\n" || last == "\r" { s = s.dropLast() }
        return String(s)
    }

    /// The last `maxLines` lines (at most `maxCharacters` characters) of the string.
    func tail(lines maxLines: Int = 20, characters maxCharacters: Int = 4000) -> String {
        let lines = trimmingTrailingNewlines().split(separator: "\n", omittingEmptySubsequences: false)
        var text = lines.suffix(maxLines).joined(separator: "\n")
        if text.count > maxCharacters { text = "…" + String(text.suffix(maxCharacters)) }
        return text
    }
}
