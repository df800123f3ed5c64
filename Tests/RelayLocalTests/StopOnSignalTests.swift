import Foundation
import Synchronization
import Testing

@testable import RelayLocal

#if canImport(Glibc)
import Glibc
#endif

/// A signal to the top process of a local run, and to it alone (not its process group), stops
/// everything: relay-local itself, and `make run` / `make run-single` (make → relay-local →
/// gateways, relay-drs, PostgreSQL). Afterwards no process mentions the run's folder, its
/// cluster directories are gone and its ports are free.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct StopOnSignalTests {
    static var bin: String { LocalProcess.executableDirectory }

    /// What the Makefile calls CONFIG: the build folder under `.build/` (the one these tests run from).
    static func makeConfig() throws -> String {
        let build = LocalRunFixture.repository.appendingPathComponent(".build").path + "/"
        let bin = URL(fileURLWithPath: Self.bin).resolvingSymlinksInPath().path
        return try #require(bin.hasPrefix(build) ? String(bin.dropFirst(build.count)) : nil, "tests built outside \(build)")
    }

    /// When to send the signal.
    enum Moment {
        /// Once the env file is written: everything is up.
        case ready
        /// As soon as the first cluster directory exists: in the middle of start-up.
        case startingUp
    }

    /// Starts `executable arguments` in the repository, sends `signal` to it alone at `moment`,
    /// waits (bounded) for it to end and checks that nothing of the run is left.
    func signalTopProcess(
        _ fixture: LocalRunFixture, _ executable: String, _ arguments: [String], signal: Int32, at moment: Moment, exitCode: Int32
    ) async throws {
        let topPID = Mutex<pid_t>(0)
        let run = Task {
            try await ProcessRunner.run(
                ProcessInvocation(
                    executable, arguments, environment: fixture.environment(), currentDirectory: LocalRunFixture.repository.path,
                    timeout: .seconds(200)),
                started: { pid in topPID.withLock { $0 = pid } })
        }
        defer { run.cancel() }
        let deadline = ContinuousClock.now + .seconds(150)
        var reached = false
        while ContinuousClock.now < deadline {
            let pid = topPID.withLock { $0 }
            reached =
                switch moment {
                case .ready: ((try? Data(contentsOf: fixture.envFile))?.isEmpty == false)
                case .startingUp: !fixture.clusterDirectories().isEmpty
                }
            if reached || (pid > 0 && !ProcFS.isAlive(pid)) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let pid = topPID.withLock { $0 }
        guard reached, ProcFS.isAlive(pid) else {
            run.cancel()
            let output = try? await run.value
            Issue.record("never got to \(moment): exit \(output?.exitCode ?? -1)\n\(output?.stdout ?? "")\n\(output?.stderr ?? "")")
            return
        }
        // What the run is made of now: make, relay-local, gateways, relay-drs, postmasters.
        let running = Set(fixture.leftovers() + fixture.pidsFromEnvFile()).subtracting([pid])
        if moment == .ready { #expect(!running.isEmpty) }

        kill(pid, signal)
        let output = try await run.value
        #expect(!output.timedOut && output.exitCode == exitCode, "exit \(output.exitCode)\n\(output.stdout)\n\(output.stderr)")

        // Orphans of a careless teardown would be reparented and still running; give them no time.
        #expect(fixture.leftovers().isEmpty, "still running: \(fixture.leftovers().map { ProcFS.commandLine($0) ?? [] })")
        #expect(fixture.clusterDirectories().isEmpty, "cluster directories left: \(fixture.clusterDirectories())")
        for child in running { #expect(!ProcFS.isAlive(child), "process \(child) still running") }
        for port in fixture.ports { #expect(LoopbackPort.isFree(port), "port \(port) still taken") }
    }

    @Test func relayLocalStopsEverythingOnSIGTERM() async throws {
        let fixture = try LocalRunFixture(regionIDs: ["eu-west-1", "us-east-1"])
        defer { fixture.remove() }
        try await signalTopProcess(
            fixture, Self.bin + "/relay-local",
            [
                "up", "--regions", fixture.regions.path, "--state-dir", fixture.state.path, "--env-file", fixture.envFile.path,
                "--traffic-rate", "5",
            ],
            signal: SIGTERM, at: .ready, exitCode: 0)
    }

    /// make does not pass a SIGINT sent to it alone on (it waits for its recipe): relay-local
    /// sees it through RELAY_PARENT_PID.
    @Test func makeRunStopsEverythingWhenOnlyMakeGetsSIGINT() async throws {
        let fixture = try LocalRunFixture(regionIDs: ["eu-west-1", "us-east-1"])
        defer { fixture.remove() }
        try await signalTopProcess(
            fixture, "/usr/bin/make",
            [
                // The products are built (these tests run from the same build); deps are installed.
                "-s", "-o", "deps", "run", "SWIFT=true", "CONFIG=\(try Self.makeConfig())",
                "RUN_FLAGS=--regions \(fixture.regions.path) --state-dir \(fixture.state.path) --env-file \(fixture.envFile.path) --traffic-rate 5",
            ],
            signal: SIGINT, at: .ready, exitCode: 128 + SIGINT)
    }

    /// make passes a SIGTERM on to its recipe, which is relay-local itself (the recipe execs it).
    @Test func makeRunSingleStopsEverythingWhenOnlyMakeGetsSIGTERM() async throws {
        let fixture = try LocalRunFixture()
        defer { fixture.remove() }
        let port = try LoopbackPort.pickFree()
        try await signalTopProcess(
            fixture, "/usr/bin/make",
            [
                "-s", "-o", "deps", "run-single", "SWIFT=true", "CONFIG=\(try Self.makeConfig())",
                "RUN_FLAGS=--gateway-port \(port) --state-dir \(fixture.state.path) --env-file \(fixture.envFile.path)",
            ],
            signal: SIGTERM, at: .ready, exitCode: 128 + SIGTERM)
        #expect(LoopbackPort.isFree(port))
    }

    @Test func aSIGINTDuringStartUpStillTearsDown() async throws {
        let fixture = try LocalRunFixture()
        defer { fixture.remove() }
        try await signalTopProcess(
            fixture, Self.bin + "/relay-local",
            ["up", "--gateway-port", "\(try LoopbackPort.pickFree())", "--state-dir", fixture.state.path],
            signal: SIGINT, at: .startingUp, exitCode: 0)
    }
}
