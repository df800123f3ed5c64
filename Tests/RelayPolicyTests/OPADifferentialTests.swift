import Foundation
import RelayCore
import RelayLocal
import RelayPolicy
import Testing

/// The compiled Rego, run by the real OPA engine, decides exactly like the builtin engine:
/// same approval, same reason, same policy version, on the shipped policies and on random ones.
///
/// Replay a failure with `RELAY_DIFF_SEED=<seed printed in the failure> swift test --filter OPADifferentialTests`.
@Suite(.serialized)
struct OPADifferentialTests {
    static let randomPolicySets = 24
    static let inputsPerRandomSet = 90
    static let shippedInputs = 400

    /// Totals over one run, to prove the inputs reached every kind of outcome.
    struct Tally {
        var compared = 0
        var approved = 0
        var deniedByRule = 0
        var noMatch = 0
    }

    @Test func builtinAndOPAAgreeOnShippedAndRandomPolicies() async throws {
        let seed = ProcessInfo.processInfo.environment["RELAY_DIFF_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64.max)
        print("OPADifferentialTests seed \(seed)")
        var generator = RandomPolicies(seed: seed)
        let started = ContinuousClock.now
        let tally = try await OPATestServer.with { server, engine in
            var tally = Tally()
            let shipped = try PolicySet.load(directory: PolicyFixtures.shippedPolicyDirectory)
            let shippedInputs = (0..<Self.shippedInputs).map { generator.input(for: shipped, index: $0) }
            try await Self.compare(shipped, inputs: shippedInputs, label: "shipped policies", seed: seed, server: server, engine: engine, tally: &tally)
            for setIndex in 0..<Self.randomPolicySets {
                let files = generator.policyFiles(setIndex: setIndex)
                let policies: PolicySet
                do {
                    policies = try PolicySet(files: files.map { try PolicySet.parse(yaml: $0.yaml, file: "random/\($0.name)") })
                } catch {
                    Issue.record("seed \(seed): generated policy set \(setIndex) does not load: \(error)\n\(Self.listing(files))")
                    return tally
                }
                let inputs = (0..<Self.inputsPerRandomSet).map { generator.input(for: policies, index: $0) }
                let label = "random policy set \(setIndex)\n\(Self.listing(files))"
                try await Self.compare(policies, inputs: inputs, label: label, seed: seed, server: server, engine: engine, tally: &tally)
            }
            return tally
        }
        print("OPADifferentialTests compared \(tally.compared) manifests in \(ContinuousClock.now - started): \(tally.approved) approved, \(tally.deniedByRule) denied by a rule, \(tally.noMatch) matched nothing")
        #expect(tally.compared >= 2000)
        // The generated inputs must exercise every outcome, or agreement proves little.
        #expect(tally.approved >= tally.compared / 20)
        #expect(tally.deniedByRule >= tally.compared / 20)
        #expect(tally.noMatch >= tally.compared / 20)
    }

    /// Pushes the compiled policies, then compares both engines on every input.
    static func compare(
        _ policies: PolicySet, inputs: [JSONValue], label: String, seed: UInt64, server: OPAServer,
        engine: OPAPolicyEngine, tally: inout Tally
    ) async throws {
        let modules = RegoCompiler.compile(policies)
        do {
            try await OPAPolicyPublisher(url: server.url).push(modules.all)
        } catch {
            Issue.record("seed \(seed): OPA refused the Rego of \(label): \(error)\n\(modules.main.text)")
            throw error
        }
        #expect(try await engine.policyVersion() == policies.version)
        let builtin = BuiltinPolicyEngine(policies: policies)
        let decisions = try await withThrowingTaskGroup(of: (Int, PolicyDecision).self) { group in
            var results = [PolicyDecision?](repeating: nil, count: inputs.count)
            var next = 0
            // A few requests in flight keep the OPA server busy without queueing on one connection.
            for _ in 0..<min(6, inputs.count) {
                let index = next
                group.addTask { (index, try await engine.evaluate(inputs[index])) }
                next += 1
            }
            while let (index, decision) = try await group.next() {
                results[index] = decision
                if next < inputs.count {
                    let index = next
                    group.addTask { (index, try await engine.evaluate(inputs[index])) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
        var mismatches: [String] = []
        for (input, opa) in zip(inputs, decisions) {
            let expected = try await builtin.evaluate(input)
            tally.compared += 1
            if expected.approved {
                tally.approved += 1
            } else if expected.reason == PolicySet.noMatchReason {
                tally.noMatch += 1
            } else {
                tally.deniedByRule += 1
            }
            if opa != expected {
                mismatches.append(
                    "input \(input.canonicalString)\n  builtin: \(expected)\n  opa:     \(opa)")
            }
        }
        if !mismatches.isEmpty {
            Issue.record(
                """
                seed \(seed): \(mismatches.count) of \(inputs.count) decisions differ for \(label)
                \(mismatches.prefix(3).joined(separator: "\n"))
                Rego:
                \(modules.main.text)
                """)
        }
    }

    static func listing(_ files: [(name: String, yaml: String)]) -> String {
        files.map { "--- \($0.name)\n\($0.yaml)" }.joined(separator: "\n")
    }
}
