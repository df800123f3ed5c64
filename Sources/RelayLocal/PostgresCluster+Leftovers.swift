import Foundation
import Logging

extension PostgresCluster {
    /// Removes cluster directories left behind by processes that are gone, and returns how
    /// many it removed.
    ///
    /// Looks in `RELAY_PG_TMPDIR` (default `/tmp`) for real directories named `relay-pg-*`
    /// that hold an `owner.pid` marker, and reaps those whose owner process no longer runs
    /// (or whose pid now belongs to a process with a different start time): their postmaster
    /// is stopped (`pg_ctl stop -m immediate`, or SIGKILL only if `/proc/<pid>/cmdline` shows a
    /// postgres whose `-D` is inside that directory), then the directory is deleted. Anything
    /// without the marker, or whose owner is alive, is left alone. Does nothing where `/proc`
    /// is unavailable. Blocks while it works (usually milliseconds; about a second per running
    /// leftover server).
    public static func reapLeftovers(logger: Logger) -> Int {
        reapLeftovers(in: ClusterLayout.defaultRoot(), logger: logger)
    }

    /// ``reapLeftovers(logger:)`` under `root`.
    static func reapLeftovers(in root: String, logger: Logger) -> Int {
        guard ProcFS.isAvailable else {
            logger.debug("no /proc here: not reaping leftover clusters")
            return 0
        }
        let root = ClusterLayout.normalize(root)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: root) else { return 0 }
        var reaped = 0
        for entry in entries.sorted() where entry.hasPrefix(ClusterLayout.directoryPrefix) {
            let layout = ClusterLayout(directory: root + "/" + entry)
            guard layout.exists, let marker = OwnerMarker.read(in: layout.directory), !marker.isOwnerAlive else { continue }
            logger.notice(
                "reaping leftover PostgreSQL cluster",
                metadata: ["directory": "\(layout.directory)", "owner.pid": "\(marker.pid)"])
            if let pid = Postmaster.runningPID(layout) {
                do {
                    if let binaries = try? PostgresBinaries.located(), let account = try? ServerAccount.current() {
                        let control = ServerControl(layout: layout, binaries: binaries, account: account, settings: [:], logger: logger)
                        try control.stopImmediatelySync()
                    } else if Postmaster.isPostmaster(pid, of: layout), !Postmaster.killHard(pid) {
                        throw PostgresClusterError.stopFailed(directory: layout.directory, pid: pid)
                    }
                } catch {
                    // Never delete files from under a server that is still running.
                    logger.warning("could not stop leftover cluster; leaving it", metadata: ["directory": "\(layout.directory)", "error": "\(error)"])
                    continue
                }
            }
            do {
                try layout.remove()
                reaped += 1
            } catch {
                logger.warning("could not delete leftover cluster", metadata: ["directory": "\(layout.directory)", "error": "\(error)"])
            }
        }
        return reaped
    }
}
