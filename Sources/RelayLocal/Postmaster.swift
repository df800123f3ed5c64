import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finding, checking and killing the postmaster of a cluster directory.
enum Postmaster {
    /// The pid on the first line of `data/postmaster.pid`, if any.
    static func recordedPID(_ layout: ClusterLayout) -> pid_t? {
        guard let text = try? String(contentsOfFile: layout.postmasterPIDFile, encoding: .utf8),
            let first = text.split(separator: "\n", maxSplits: 1).first
        else { return nil }
        return pid_t(first.trimmingCharacters(in: .whitespaces))
    }

    /// Whether `pid` is a live `postgres`/`postmaster` process whose `-D` lies inside
    /// `layout.directory`, judged from `/proc/<pid>/cmdline`.
    static func isPostmaster(_ pid: pid_t, of layout: ClusterLayout) -> Bool {
        guard ProcFS.isAlive(pid), let argv = ProcFS.commandLine(pid), let program = argv.first else { return false }
        let base = program.split(separator: "/").last.map(String.init) ?? program
        guard base == "postgres" || base == "postmaster" else { return false }
        var dataDirectory: String?
        var index = 1
        while index < argv.count {
            let arg = argv[index]
            if arg == "-D", index + 1 < argv.count {
                dataDirectory = argv[index + 1]
                index += 1
            } else if arg.hasPrefix("-D"), arg.count > 2 {
                dataDirectory = String(arg.dropFirst(2))
            }
            index += 1
        }
        guard let dataDirectory else { return false }
        let normalized = ClusterLayout.normalize(dataDirectory)
        return normalized.hasPrefix(ClusterLayout.normalize(layout.directory) + "/")
    }

    /// The recorded pid if it is this cluster's live postmaster.
    static func runningPID(_ layout: ClusterLayout) -> pid_t? {
        guard let pid = recordedPID(layout), isPostmaster(pid, of: layout) else { return nil }
        return pid
    }

    /// SIGKILLs the postmaster and all its server processes at once, as a crash would, then
    /// waits for them to be gone. Returns whether the postmaster is gone.
    ///
    /// Each server process is a process group leader of its own (PostgreSQL calls `setsid()`
    /// in every child), so signalling the postmaster's group is not enough, and children
    /// left alone after the postmaster's death may linger (holding shared memory, which
    /// blocks a restart). So: SIGSTOP the postmaster (it can fork no more), list its
    /// children, then SIGKILL it and them.
    @discardableResult
    static func killHard(_ pid: pid_t, timeout: Double = 15) -> Bool {
        kill(pid, SIGSTOP)
        let stopDeadline = Date().addingTimeInterval(1)
        while let s = ProcFS.stat(pid), s.state != "T", s.state != "Z", s.state != "X", Date() < stopDeadline {
            usleep(2_000)
        }
        let children = ProcFS.liveChildren(of: pid).compactMap { child in
            ProcFS.stat(child).map { (pid: child, startTime: $0.startTime) }
        }
        kill(pid, SIGKILL)
        for child in children { kill(child.pid, SIGKILL) }

        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let childAlive = children.contains { child in
                guard let s = ProcFS.stat(child.pid) else { return false }
                return s.startTime == child.startTime && s.state != "Z" && s.state != "X"
            }
            if !ProcFS.isAlive(pid) && !childAlive { return true }
            if Date() >= deadline { return !ProcFS.isAlive(pid) }
            usleep(10_000)
        }
    }

    /// Polls until `pid` has exited or is a zombie.
    static func waitUntilGone(_ pid: pid_t, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while ProcFS.isAlive(pid) {
            if Date() >= deadline { return false }
            usleep(20_000)
        }
        return true
    }

    /// After a crash: removes `postmaster.pid` and socket lock files whose pid is no longer
    /// alive, so that a zombie left unreaped by the parent cannot block a restart.
    /// (PostgreSQL itself handles stale files whose pid has vanished.)
    static func clearStaleLockFiles(_ layout: ClusterLayout) {
        var files = [layout.postmasterPIDFile]
        let sockets = (try? FileManager.default.contentsOfDirectory(atPath: layout.socketDirectory)) ?? []
        files += sockets.filter { $0.hasSuffix(".lock") }.map { layout.socketDirectory + "/" + $0 }
        for file in files {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8),
                let first = text.split(separator: "\n", maxSplits: 1).first,
                let pid = pid_t(first.trimmingCharacters(in: .whitespaces)), pid > 0
            else { continue }
            if !ProcFS.isAlive(pid) && ProcFS.stat(pid) != nil { unlink(file) }  // zombie
        }
    }
}
