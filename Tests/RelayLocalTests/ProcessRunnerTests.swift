import Foundation
import Synchronization
import Testing

@testable import RelayLocal

struct ProcessRunnerTests {
    // The bounds are far below the commands' own durations yet far above what a busy 2-core
    // machine running the whole suite takes to start and signal a process.
    @Test func commandsAreTimedOutAndDaemonsDoNotHoldThemUp() async throws {
        let clock = ContinuousClock()
        var started = clock.now
        let slow = try await ProcessRunner.run(ProcessInvocation("/bin/sleep", ["600"], timeout: .milliseconds(300)))
        #expect(slow.timedOut)
        #expect(!slow.succeeded)
        #expect(clock.now - started < .seconds(120))

        // A background grandchild keeps stdout/stderr open; the command still completes at once.
        started = clock.now
        let group = Mutex<pid_t>(0)
        let daemonizing = try await ProcessRunner.run(
            ProcessInvocation("/bin/sh", ["-c", "sleep 600 & echo out; echo err >&2; exit 3"], timeout: .seconds(600)),
            started: { pid in group.withLock { $0 = pid } })
        #expect(clock.now - started < .seconds(120))
        // The grandchild is still in the command's process group: end it.
        let pid = group.withLock { $0 }
        #expect(pid > 0)
        if pid > 0 { kill(-pid, SIGKILL) }
        #expect(daemonizing.exitCode == 3)
        #expect(daemonizing.stdout == "out\n")
        #expect(daemonizing.stderr == "err\n")

        let echoed = try ProcessRunner.runSync(ProcessInvocation("/bin/cat", [], standardInput: "héllo\n", timeout: .seconds(10)))
        #expect(echoed.succeeded && echoed.stdout == "héllo\n")
        #expect(throws: PostgresClusterError.self) {
            try ProcessRunner.runCheckedSync(ProcessInvocation("/nonexistent/tool", [], timeout: .seconds(10)))
        }
    }
}
