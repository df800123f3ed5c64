import Foundation
import RelayCore
import RelayReplication
import RelayStore
import RelayLocal
import RelayTestSupport
import Testing

/// tools/verify_ledger.py, written from docs/ledger-format.md alone, agrees with the Swift
/// implementation: on the vectors, and on a chain exported from a real database (and it rejects
/// that export once a byte is changed).
@Suite(.timeLimit(.minutes(2)))
struct PythonVerifierTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Runs the verifier with `arguments`; returns its exit status and standard output.
    private func verifier(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let r = try await ChildProcess.run("/usr/bin/env", ["python3", Self.repoRoot + "/tools/verify_ledger.py"] + arguments)
        return (r.status, r.stdout + r.stderr)
    }

    @Test func theVectorsVerify() async throws {
        let (status, output) = try await verifier(["vectors", Self.repoRoot + "/docs/ledger-vectors.json"])
        #expect(status == 0, "\(output)")
        #expect(output.split(separator: "\n").filter { $0.hasPrefix("ok ") }.count == 6, "\(output)")
    }

    @Test func aRealExportedChainVerifiesWithTheSameHeadAndATamperedOneDoesNot() async throws {
        try await LedgerFixture.with { f in
            _ = try await f.writeOneOfEach()
            for i in 0..<20 {
                try await f.decide(
                    approved: i % 3 != 0, parameters: ["amount": .number(Double(i) * 12.5 + 0.1), "big": 1e21, "note": .string("Zürich ✓ \(i)")],
                    reasoning: "batch \(i) \u{1F680}")
            }
            try await f.chainAll()
            var lines: [String] = []
            try await LedgerExport.run(database: f.database, region: f.region) { lines.append($0) }
            let recorded = try await LedgerStore(database: f.database).recordedHead(region: f.region)
            let head = try #require(recorded)
            #expect(lines.count == Int(head.seq))

            try await TemporaryDirectory.with(prefix: "relay-export-") { temporary in
                let dir = temporary.url
                let good = dir.appendingPathComponent("chain.jsonl").path
                try (lines.joined(separator: "\n") + "\n").write(toFile: good, atomically: true, encoding: .utf8)
                let ok = try await verifier(["chain", good, "--region", f.region])
                #expect(ok.status == 0, "\(ok.output)")
                #expect(ok.output.contains("head seq \(head.seq) hash \(Hex.encode(head.hash))"), "\(ok.output)")

                // Change one byte of one body: the independent verifier names that seq.
                var entry = try #require(try JSONParser.parse(Array(lines[9].utf8)).objectValue)
                let encoded = try #require(entry["body"]?.stringValue)
                var body = try #require(Base64.decode(encoded))
                body[body.count / 2] ^= 0x01
                entry["body"] = .string(Base64.encode(body))
                var tampered = lines
                tampered[9] = CanonicalJSON.string(.object(entry))
                let bad = dir.appendingPathComponent("tampered.jsonl").path
                try (tampered.joined(separator: "\n") + "\n").write(toFile: bad, atomically: true, encoding: .utf8)
                let refused = try await verifier(["chain", bad])
                #expect(refused.status == 1, "\(refused.output)")
                #expect(refused.output.contains("FAIL seq 10"), "\(refused.output)")
            }
        }
    }
}
