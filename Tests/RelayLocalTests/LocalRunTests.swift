import Foundation
import RelayTestSupport
import Testing

@testable import RelayLocal

/// `relay-local up --regions … --once`: the README's run command, end to end, on a copy of
/// regions/local moved to free ports (so a developer's own `make run` does not get in the way).
@Suite(.timeLimit(.minutes(5)))
struct LocalRunTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("relay-local").path
    }

    @Test func threeRegionsStartReplicateTrafficAndStopLeavingNothingRunning() async throws {
        let fm = FileManager.default
        // The run's state folder (gateway and relay-dr logs) is kept, and named, if the test fails.
        try await Evidence.with("localrun") { evidence in
            let root = evidence.directory
            let regions = root.appendingPathComponent("regions")
            try fm.createDirectory(at: regions, withIntermediateDirectories: true)
            let source = Self.repository.appendingPathComponent("regions/local")
            try fm.copyItem(at: source.appendingPathComponent("dev-keys"), to: regions.appendingPathComponent("dev-keys"))
            for file in try fm.contentsOfDirectory(atPath: source.path) where file.hasSuffix(".yaml") {
                var text = try String(contentsOf: source.appendingPathComponent(file), encoding: .utf8)
                for match in text.matches(of: /(127\.0\.0\.1:|port: )(\d{4,5})/).map({ (String($0.0), String($0.1)) }) {
                    text = text.replacingOccurrences(of: match.0, with: match.1 + String(try LoopbackPort.pickFree()))
                }
                try text.write(to: regions.appendingPathComponent(file), atomically: true, encoding: .utf8)
            }
            let state = root.appendingPathComponent("state")
            // The harness's runner, not Foundation's Process: a Process's exit is learnt through a
            // descriptor its children inherit, so a run that starts servers may never be seen to end.
            let result = try await ProcessRunner.run(
                ProcessInvocation(
                    Self.executable,
                    [
                        "up", "--regions", regions.path, "--once", "--state-dir", state.path, "--env-file",
                        root.appendingPathComponent("env").path, "--traffic-rate", "20",
                    ],
                    currentDirectory: Self.repository.path, timeout: .seconds(240)))
            let out = result.stdout + result.stderr
            #expect(result.exitCode == 0 && !result.timedOut, "\(out)")
            #expect(out.contains("check passed"), "\(out)")
            #expect(out.contains("relay-dr status --regions-dir"))
            for id in ["us-east-1", "eu-west-1", "ap-southeast-2"] {
                #expect(fm.fileExists(atPath: state.appendingPathComponent("logs/gateway-\(id).log").path))
                #expect(fm.fileExists(atPath: state.appendingPathComponent("logs/relay-dr-\(id).log").path))
                let key = try fm.attributesOfItem(atPath: state.appendingPathComponent("keys/\(id)-ledger.key").path)
                #expect((key[.posixPermissions] as? Int) == 0o600)
            }
            // Every child is gone.
            let env = (try? String(contentsOf: root.appendingPathComponent("env"), encoding: .utf8)) ?? ""
            let pids = env.split(separator: "\n").filter { $0.contains("_PID=") }.compactMap { Int32($0.split(separator: "=").last ?? "") }
            #expect(pids.count == 6, "\(env)")
            for pid in pids { #expect(kill(pid, 0) != 0, "process \(pid) still running") }
        }
    }
}
