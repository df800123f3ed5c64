import Foundation
import RelayCore
import RelayReplication
import Synchronization
import Testing

@testable import RelayLocal

#if canImport(Glibc)
import Glibc
#endif

/// `relay-local kill|restart|stop --region X` from another shell while `relay-local up --regions`
/// runs: real processes, real PostgreSQL, two regions on free ports.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct RegionKillRestartTests {
    static var relayLocal: String { LocalProcess.executableDirectory + "/relay-local" }

    /// Runs `relay-local arguments` to its end.
    func relayLocal(_ arguments: [String], _ fixture: LocalRunFixture) async throws -> ProcessOutput {
        try await ProcessRunner.run(
            ProcessInvocation(
                Self.relayLocal, arguments, environment: fixture.environment(), currentDirectory: LocalRunFixture.repository.path,
                timeout: .seconds(150)))
    }

    /// The env file as a dictionary.
    func environmentFile(_ fixture: LocalRunFixture) -> [String: String] {
        let text = (try? String(contentsOf: fixture.envFile, encoding: .utf8)) ?? ""
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            values[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return values
    }

    /// Waits (bounded) until `peer` holds everything `origin` had chained after `after`.
    func replicated(from origin: String, to peer: String, after: Int64, regions: RegionSet) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(45)
        while ContinuousClock.now < deadline {
            let status = await StatusProbe(regions: regions).run()
            if let head = status.regions.first(where: { $0.region == origin })?.headSeq, head > after,
                let pair = status.pairs.first(where: { $0.origin == origin && $0.peer == peer }), (pair.replicaSeq ?? 0) >= head
            {
                return true
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        return false
    }

    /// The chained head of `region` now.
    func head(of region: String, regions: RegionSet) async -> Int64 {
        await StatusProbe(regions: regions).run().regions.first { $0.region == region }?.headSeq ?? 0
    }

    @Test func aKilledRegionComesBackWithNewPidsAndReplicatesAgainWhileTheOtherKeepsRunning() async throws {
        let fixture = try LocalRunFixture(regionIDs: ["eu-west-1", "us-east-1"])
        // On failure: SIGKILL to whatever is left, clusters reaped, folder deleted.
        defer { fixture.remove() }
        let upPID = Mutex<pid_t>(0)
        let up = Task {
            try await ProcessRunner.run(
                ProcessInvocation(
                    Self.relayLocal,
                    [
                        "up", "--regions", fixture.regions.path, "--state-dir", fixture.state.path, "--env-file", fixture.envFile.path,
                        "--traffic-rate", "0",
                    ],
                    environment: fixture.environment(), currentDirectory: LocalRunFixture.repository.path, timeout: .seconds(280)),
                started: { pid in upPID.withLock { $0 = pid } })
        }
        defer { up.cancel() }
        let ready = ContinuousClock.now + .seconds(150)
        while environmentFile(fixture).isEmpty, ContinuousClock.now < ready { try await Task.sleep(for: .milliseconds(100)) }
        let before = environmentFile(fixture)
        try #require(!before.isEmpty, "relay-local up never got ready")
        let regions = try RegionSet.load(directory: fixture.regions.path)
        let oldGateway = try #require(pid_t(before["RELAY_LOCAL_US_EAST_1_GATEWAY_PID"] ?? ""))
        let oldDR = try #require(pid_t(before["RELAY_LOCAL_US_EAST_1_DR_PID"] ?? ""))
        let gatewayURL = try #require(before["RELAY_LOCAL_US_EAST_1_GATEWAY_URL"])
        let drURL = try #require(before["RELAY_LOCAL_US_EAST_1_DR_URL"])
        let peerURLs = try [#require(before["RELAY_LOCAL_EU_WEST_1_GATEWAY_URL"]), #require(before["RELAY_LOCAL_EU_WEST_1_DR_URL"])]

        // kill -9 of us-east-1's PostgreSQL and gateway.
        let killed = try await relayLocal(
            ["kill", "--region", "us-east-1", "--component", "postgres", "--component", "gateway", "--state-dir", fixture.state.path],
            fixture)
        #expect(killed.exitCode == 0, "\(killed.stdout)\(killed.stderr)")
        #expect(killed.stdout.contains("us-east-1 gateway: killed (SIGKILL, pid \(oldGateway))"), "\(killed.stdout)")
        #expect(killed.stdout.contains("us-east-1 postgres: killed (SIGKILL"), "\(killed.stdout)")
        #expect(!ProcFS.isAlive(oldGateway))
        #expect(environmentFile(fixture)["RELAY_LOCAL_US_EAST_1_GATEWAY_PID"] == "0")
        // The other region, and the run itself, are untouched.
        for url in peerURLs { #expect(await LocalProcess.answers(url + "/health"), "\(url) stopped answering") }
        #expect(ProcFS.isAlive(upPID.withLock { $0 }))

        // An unknown region is refused, naming the ones there are.
        let unknown = try await relayLocal(["restart", "--region", "mars-1", "--state-dir", fixture.state.path], fixture)
        #expect(unknown.exitCode != 0)
        #expect(unknown.stderr.contains("unknown region 'mars-1'; this run has: eu-west-1, us-east-1"), "\(unknown.stderr)")

        let logURL = fixture.state.appendingPathComponent("logs/gateway-us-east-1.log")
        let firstLog = try Data(contentsOf: logURL)
        let restarted = try await relayLocal(["restart", "--region", "us-east-1", "--state-dir", fixture.state.path], fixture)
        #expect(restarted.exitCode == 0, "\(restarted.stdout)\(restarted.stderr)")
        #expect(restarted.stdout.contains("us-east-1 postgres: started"), "\(restarted.stdout)")
        #expect(await LocalProcess.answers(gatewayURL + "/health"))
        #expect(await LocalProcess.answers(drURL + "/health"))
        let after = environmentFile(fixture)
        let newGateway = try #require(pid_t(after["RELAY_LOCAL_US_EAST_1_GATEWAY_PID"] ?? ""))
        let newDR = try #require(pid_t(after["RELAY_LOCAL_US_EAST_1_DR_PID"] ?? ""))
        #expect(newGateway != oldGateway && newGateway > 0 && ProcFS.isAlive(newGateway))
        // relay-dr was not killed: it runs on (its pid unchanged) unless the database loss ended it.
        #expect(newDR > 0 && ProcFS.isAlive(newDR), "relay-dr \(oldDR) → \(newDR)")
        // Same log, appended to.
        let secondLog = try Data(contentsOf: logURL)
        #expect(secondLog.count > firstLog.count && secondLog.prefix(firstLog.count) == firstLog)

        // Replication to and from us-east-1 resumes.
        let eastHead = await head(of: "us-east-1", regions: regions)
        let toEast = try await TrafficGenerator(gateways: [gatewayURL], rate: 20).run(count: 3)
        #expect(toEast.errors == 0 && toEast.sent == 3, "\(toEast.lastError ?? "")")
        #expect(try await replicated(from: "us-east-1", to: "eu-west-1", after: eastHead, regions: regions))
        let westHead = await head(of: "eu-west-1", regions: regions)
        let toWest = try await TrafficGenerator(gateways: [peerURLs[0]], rate: 20).run(count: 3)
        #expect(toWest.errors == 0 && toWest.sent == 3, "\(toWest.lastError ?? "")")
        #expect(try await replicated(from: "eu-west-1", to: "us-east-1", after: westHead, regions: regions))

        // A clean stop of the relay-dr; then the run's own teardown stops the restarted processes too.
        let stopped = try await relayLocal(["stop", "--region", "us-east-1", "--component", "dr", "--state-dir", fixture.state.path], fixture)
        #expect(stopped.exitCode == 0 && stopped.stdout.contains("us-east-1 dr: stopped"), "\(stopped.stdout)\(stopped.stderr)")
        #expect(!ProcFS.isAlive(newDR))
        let running = Set(fixture.leftovers()).subtracting([upPID.withLock { $0 }])
        kill(upPID.withLock { $0 }, SIGTERM)
        let output = try await up.value
        #expect(!output.timedOut && output.exitCode == 0, "exit \(output.exitCode)\n\(output.stdout)\n\(output.stderr)")
        #expect(fixture.leftovers().isEmpty, "still running: \(fixture.leftovers().map { ProcFS.commandLine($0) ?? [] })")
        for pid in running { #expect(!ProcFS.isAlive(pid), "process \(pid) still running") }
        #expect(fixture.clusterDirectories().isEmpty, "cluster directories left: \(fixture.clusterDirectories())")
        #expect(!FileManager.default.fileExists(atPath: fixture.state.appendingPathComponent("control").path))
    }

    @Test func everyCommandFailsClearlyWhenNoUpIsRunning() async throws {
        let fixture = try LocalRunFixture()
        defer { fixture.remove() }
        for command in ["kill", "restart", "stop"] {
            let output = try await relayLocal([command, "--region", "us-east-1", "--state-dir", fixture.state.path], fixture)
            #expect(output.exitCode == 1, "\(command): exit \(output.exitCode)")
            #expect(output.stderr.contains("no relay-local up --regions is running with state folder \(fixture.state.path)"), "\(output.stderr)")
        }
    }

    @Test func aBadComponentOrSignalIsAUsageError() async throws {
        let fixture = try LocalRunFixture()
        defer { fixture.remove() }
        let component = try await relayLocal(["kill", "--region", "us-east-1", "--component", "pg", "--state-dir", fixture.state.path], fixture)
        #expect(component.exitCode == 64 && component.stderr.contains("--component must be postgres, gateway, dr or all"), "\(component.stderr)")
        let signal = try await relayLocal(["kill", "--region", "us-east-1", "--signal", "HUP", "--state-dir", fixture.state.path], fixture)
        #expect(signal.exitCode == 64 && signal.stderr.contains("--signal must be KILL or TERM"), "\(signal.stderr)")
    }
}
