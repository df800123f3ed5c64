import Foundation
import Logging
import Synchronization
import Testing

@testable import RelayLocal

/// The local runs in this process: a real cluster and a real relay-gateway (from this build),
/// real traffic, and a stop that leaves nothing behind; and the checks made before starting.
@Suite(.timeLimit(.minutes(3)))
struct SingleRegionTests {
    static let logger: Logger = {
        var logger = Logger(label: "relay-local-tests")
        logger.logLevel = .warning
        return logger
    }()

    @Test func oneRegionServesTrafficThenStopsLeavingNothingBehind() async throws {
        let fixture = try LocalRunFixture()
        defer { fixture.remove() }
        let options = SingleRegionOptions(
            region: "single-test", gatewayPort: try LoopbackPort.pickFree(),
            run: LocalRunOptions(
                stateDirectory: fixture.state.path, policyDirectory: LocalRunFixture.repository.appendingPathComponent("gateway/policies").path,
                envFile: fixture.envFile.path))
        let stop = StopSignal(catching: [])
        let seen = Mutex<(ready: LocalRunReady?, stats: TrafficGenerator.Stats?)>((nil, nil))
        let outcome = try await SingleRegion(options: options, logger: Self.logger).run(stop: stop) { ready in
            seen.withLock { $0.ready = ready }
            // Against the real gateway and its real policies (gateway/policies/finance.yaml).
            let stats = await (try? TrafficGenerator(gateways: ready.gateways, rate: 100, executeEvery: 3))?.run(count: 36)
            seen.withLock { $0.stats = stats }
            stop.raise()
        }
        #expect(outcome == .stopped)
        let (ready, stats) = seen.withLock { ($0.ready, $0.stats) }
        let started = try #require(ready)
        #expect(started.gateways == ["http://127.0.0.1:\(options.gatewayPort)"])

        let expected = TrafficGeneratorTests.Expected(count: 36)
        #expect(stats?.sent == 36 && stats?.errors == 0, "\(String(describing: stats))")
        #expect(stats?.approved == expected.approved && stats?.denied == expected.denied, "\(String(describing: stats)) vs \(expected)")
        #expect(stats?.executed == expected.executed)

        let env = try String(contentsOf: fixture.envFile, encoding: .utf8)
        #expect(env.contains("RELAY_LOCAL_GATEWAY_URL=http://127.0.0.1:\(options.gatewayPort)\n"))
        for key in ["single-test-seal.key", "jwt.secret"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: fixture.state.appendingPathComponent("keys/\(key)").path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(key)")
        }
        // Stopped: the gateway is gone, the cluster stopped and removed, the port free again.
        for pid in started.processes { #expect(!ProcFS.isAlive(pid)) }
        for directory in started.clusterDirectories { #expect(!FileManager.default.fileExists(atPath: directory)) }
        #expect(LoopbackPort.isFree(options.gatewayPort))
    }

    @Test func regionsAreCheckedBeforeAnythingStarts() async throws {
        let fixture = try LocalRunFixture(regionIDs: ["us-east-1"])
        defer { fixture.remove() }
        func run(_ directory: String) async throws -> LocalRunOutcome {
            let options = LocalRegionsOptions(regionsDirectory: directory, run: LocalRunOptions(stateDirectory: fixture.state.path))
            return try await LocalRegions(options: options, logger: Self.logger).run(stop: StopSignal(catching: []))
        }
        await #expect(throws: LocalRunError.self) { try await run(fixture.root.appendingPathComponent("missing").path) }

        // One of the region's ports is taken: said, with what it is for, and nothing started.
        let taken = try #require(fixture.ports.first)
        let holder = try PortHolder(port: taken)
        defer { holder.close() }
        do {
            _ = try await run(fixture.regions.path)
            Issue.record("started although port \(taken) is taken")
        } catch let error as LocalRunError {
            #expect(error.isInputError)
            #expect(error.description.hasPrefix("ports in use: \(taken) (us-east-1 "), "\(error)")
        }
        #expect(fixture.clusterDirectories().isEmpty && fixture.leftovers().isEmpty)
    }

    @Test func aRunStoppedBeforeItStartsStartsNothing() async throws {
        let fixture = try LocalRunFixture(regionIDs: ["us-east-1"])
        defer { fixture.remove() }
        let stop = StopSignal(catching: [])
        stop.raise()
        let options = LocalRegionsOptions(regionsDirectory: fixture.regions.path, run: LocalRunOptions(stateDirectory: fixture.state.path))
        #expect(try await LocalRegions(options: options, logger: Self.logger).run(stop: stop) == .stopped)
        #expect(fixture.leftovers().isEmpty)
    }
}
