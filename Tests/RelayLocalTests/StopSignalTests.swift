import Foundation
import Synchronization
import Testing

@testable import RelayLocal

#if canImport(Glibc)
import Glibc
#endif

/// ``StopSignal`` without signal handlers (this is the test process), with real supervisors.
@Suite(.timeLimit(.minutes(1)))
struct StopSignalTests {
    /// Polls `condition` every 50 ms for up to `seconds`.
    static func eventually(within seconds: Double = 5, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    @Test func aRaiseWakesEveryWaiterAndKeepsTheFirstCause() async throws {
        let stop = StopSignal(catching: [])
        #expect(!stop.isRaised)
        try stop.check()
        let waiters = (0..<3).map { _ in Task { await stop.wait() } }
        try await Task.sleep(for: .milliseconds(100))
        stop.raise(.signal(SIGTERM))
        stop.raise(.requested)
        for waiter in waiters { await waiter.value }
        #expect(stop.cause == .signal(SIGTERM))
        #expect(throws: StopSignal.Raised.self) { try stop.check() }
        await stop.wait()  // returns at once once raised
    }

    @Test func aCancelledWaitReturns() async {
        let stop = StopSignal(catching: [])
        let waiter = Task { await stop.wait() }
        waiter.cancel()
        await waiter.value
        #expect(!stop.isRaised)
    }

    @Test func theEndOfTheSupervisorRaisesIt() async throws {
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["30"]
        try sleeper.run()
        defer { if sleeper.isRunning { kill(sleeper.processIdentifier, SIGKILL) } }
        let stop = StopSignal(catching: [], supervisor: sleeper.processIdentifier)
        try await Task.sleep(for: .milliseconds(600))
        #expect(!stop.isRaised)
        kill(sleeper.processIdentifier, SIGKILL)
        #expect(await Self.eventually { stop.isRaised })
        #expect(stop.cause == .supervisorGone(sleeper.processIdentifier))
    }

    /// The case `make run` needs: make signalled alone keeps waiting for its recipe, and the
    /// watch sees it handling the signal.
    @Test func aRealMakeSignalledAloneIsSeenStopping() async throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("relay-stopsignal-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try "wait:\n\tsleep 60\n".write(to: root.appendingPathComponent("Makefile"), atomically: true, encoding: .utf8)
        let makePID = Mutex<pid_t>(0)
        // ProcessRunner, so make starts with default signal dispositions whatever ours are.
        let make = Task {
            try await ProcessRunner.run(
                ProcessInvocation("/usr/bin/make", ["-s", "-C", root.path, "wait"], timeout: .seconds(50)),
                started: { pid in makePID.withLock { $0 = pid } })
        }
        defer { make.cancel() }
        #expect(await Self.eventually { makePID.withLock { $0 } > 0 && !ProcFS.liveChildren(of: makePID.withLock { $0 }).isEmpty })
        let pid = makePID.withLock { $0 }
        let stop = StopSignal(catching: [], supervisor: pid)
        try await Task.sleep(for: .milliseconds(600))
        #expect(!stop.isRaised, "make running its recipe is not stopping")

        kill(pid, SIGINT)
        #expect(await Self.eventually { stop.isRaised })
        #expect(stop.cause == .supervisorStopping(pid, signal: SIGINT))
        #expect(ProcFS.isAlive(pid), "make waits for its recipe")

        // End the recipe as relay-local would end itself; make then dies of its SIGINT.
        for child in ProcFS.liveChildren(of: pid) { kill(child, SIGTERM) }
        let output = try await make.value
        #expect(output.exitCode == 128 + SIGINT && !output.timedOut, "\(output)")
    }
}
