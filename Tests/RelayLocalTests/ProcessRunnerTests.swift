import Foundation
import Testing

@testable import RelayLocal

struct ProcessRunnerTests {
    @Test func commandsAreTimedOutAndDaemonsDoNotHoldThemUp() async throws {
        let clock = ContinuousClock()
        var started = clock.now
        let slow = try await ProcessRunner.run(ProcessInvocation("/bin/sleep", ["30"], timeout: .milliseconds(300)))
        #expect(slow.timedOut)
        #expect(!slow.succeeded)
        #expect(clock.now - started < .seconds(10))

        // A background grandchild keeps stdout/stderr open; the command still completes at once.
        started = clock.now
        let daemonizing = try await ProcessRunner.run(
            ProcessInvocation("/bin/sh", ["-c", "sleep 5 & echo out; echo err >&2; exit 3"], timeout: .seconds(60)))
        #expect(clock.now - started < .seconds(3))
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
