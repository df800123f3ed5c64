import Foundation

/// With RELAY_PARENT_PID set (by test harnesses and relay-local), exits when that process is gone,
/// so a daemon never outlives a supervisor that was killed with SIGKILL.
enum ParentWatch {
    static func start() {
        guard let text = ProcessInfo.processInfo.environment["RELAY_PARENT_PID"], let pid = pid_t(text), pid > 1 else { return }
        Thread.detachNewThread {
            while true {
                Thread.sleep(forTimeInterval: 1)
                if kill(pid, 0) != 0, errno == ESRCH {
                    FileHandle.standardError.write(Data("relay-dr: parent process \(pid) is gone; exiting\n".utf8))
                    exit(1)
                }
            }
        }
    }
}
