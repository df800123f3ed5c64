import Foundation

extension Process {
    /// Waits without blocking a thread until the process has exited; false after `timeout`.
    ///
    /// `waitUntilExit()` spins a run loop on the calling thread: called from Swift concurrency it
    /// blocks one of the few cooperative threads, and it has been seen never to return there,
    /// starving every other task of the process.
    public func waitForExit(timeout: Duration = .seconds(30)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }
}
