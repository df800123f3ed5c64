import Foundation
import RelayCore
import RelayGateway
import RelayLocal
import RelayPolicy
import RelayStore
import Testing

/// The policy engine built from the configuration, its start-up check and its shutdown.
@Suite(.timeLimit(.minutes(2)))
struct ConfiguredPolicyEngineTests {
    private func configuration(_ engine: PolicyEngineSelection, policyDirectory: String = TestGateway.repoRoot + "/gateway/policies")
        -> GatewayConfiguration
    {
        GatewayConfiguration(
            region: "test-1", database: DatabaseConfiguration(),
            sealKey: SigningKey.generate().key, policyDirectory: policyDirectory, jwtSecret: TestGateway.jwtSecret,
            policyEngine: engine)
    }

    private func opa(port: Int) throws -> PolicyEngineSelection {
        .opa(try OPAConfiguration(url: "http://127.0.0.1:\(port)", timeout: .seconds(2)))
    }

    @Test func builtinLoadsThePolicyDirectoryAndHasNothingToShutDown() async throws {
        let directory = TestGateway.repoRoot + "/gateway/policies"
        let configured = try ConfiguredPolicyEngine(configuration: configuration(.builtin, policyDirectory: directory))
        #expect(configured.engine.name == "builtin")
        #expect(try await configured.engine.policyVersion() == (try BuiltinPolicyEngine.load(directory: directory).policies.version))
        #expect(configured.metadata == ["policy_engine": "builtin", "policy_dir": .string(directory)])
        let logs = LogCapture()
        await configured.start(logger: logs.logger())
        #expect(logs.all.isEmpty, "no sidecar to check")
        try await configured.shutdown()
        #expect(try await configured.engine.policyVersion().isEmpty == false)
    }

    @Test func anUnloadablePolicyDirectoryThrowsTheLoadErrorNamingIt() {
        let directory = "/nonexistent/relay-policies"
        let error = #expect(throws: PolicyLoadError.self) {
            _ = try ConfiguredPolicyEngine(configuration: configuration(.builtin, policyDirectory: directory))
        }
        #expect(error?.file == directory)
        #expect(error?.description.hasPrefix("\(directory): cannot read policy directory") == true, "\(String(describing: error))")
    }

    @Test func opaIsCheckedAtStartAndItsClientIsShutDown() async throws {
        let fake = FakeOPA()
        try await fake.run { port in
            let configured = try ConfiguredPolicyEngine(configuration: configuration(try opa(port: port)))
            #expect(configured.engine.name == "opa")
            #expect(configured.metadata == [
                "policy_engine": "opa", "opa_url": .string("http://127.0.0.1:\(port)"), "policy_path": "relay/policies/main",
            ])
            let logs = LogCapture()
            await configured.start(logger: logs.logger())
            let reachable = try #require(logs.entries.first { $0["message"] == "OPA reachable" }, "\(logs.all)")
            #expect(reachable["policy_version"] == "fake-1")
            #expect(reachable["level"] == "info")
            try await configured.shutdown()
            // The engine's HTTP client is gone: the engine can no longer reach OPA, which still runs.
            await #expect(throws: OPAError.self) { try await configured.engine.policyVersion() }
        }
    }

    @Test func opaDownAtStartIsAWarningNotAFailure() async throws {
        let configured = try ConfiguredPolicyEngine(configuration: configuration(try opa(port: try LoopbackPort.pickFree())))
        let logs = LogCapture()
        await configured.start(logger: logs.logger())
        let warning = try #require(logs.entries.first { $0["level"] == "warning" }, "\(logs.all)")
        #expect(warning["message"] == "OPA not ready; validations fail closed (503) until it answers")
        // JSONLogHandler writes an `error` metadata entry as `metadata.error` (`error` is its own field).
        #expect(warning["metadata.error"]?.stringValue?.contains("connection refused") == true, "\(warning)")
        try await configured.shutdown()
    }

    @Test func aBorrowedEngineIsLeftToItsOwner() async throws {
        let fake = FakeOPA()
        try await fake.run { port in
            let engine = OPAPolicyEngine(configuration: try OPAConfiguration(url: "http://127.0.0.1:\(port)", timeout: .seconds(2)))
            do {
                let borrowed = ConfiguredPolicyEngine(borrowing: engine)
                #expect(borrowed.metadata == ["policy_engine": "opa"])
                let logs = LogCapture()
                await borrowed.start(logger: logs.logger())
                #expect(logs.all.isEmpty, "its owner checks it")
                try await borrowed.shutdown()
                #expect(try await engine.policyVersion() == "fake-1")
                try await engine.shutdown()
            } catch {
                try? await engine.shutdown()
                throw error
            }
        }
    }
}
