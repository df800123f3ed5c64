import Foundation
import RelayCore
import RelayLocal
import RelayReplication
import RelayTestSupport
import Testing

/// The offline audit end to end: r1's chain replicated to r2 over real HTTP with real signatures,
/// exported from r2's database by the `relay-dr export --origin` command, checked by
/// `relay-dr verify --offline` and by tools/verify_audit.py (written from docs/offline-audit.md),
/// and each tampered variant refused by both with the same seq and reason.
extension MultiRegionSuites {
@Suite(.timeLimit(.minutes(5)))
struct OfflineAuditTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// One verifier's verdict on a file.
    struct Verdict: CustomStringConvertible {
        var status: Int32
        var findings: [(seq: Int64?, reason: String)]
        var output: String
        var description: String { "exit \(status): \(output)" }

        func has(_ reason: String, at seq: Int64?) -> Bool { findings.contains { $0.reason == reason && $0.seq == seq } }
    }

    @Test func aRealExportFromAPeerVerifiesAndEveryTamperedVariantIsRefusedByBothVerifiers() async throws {
        // Small batches: many signed headers, and a tail truncation that crosses batch ends.
        try await TestRegions.with(configure: { $0.shipper.maxRecords = 4 }) { regions in
            for i in 0..<30 { try await regions.decide(in: "r1", amount: Double(i) * 10 + 1) }
            #expect(try await regions.waitUntilConverged())
            try await TemporaryDirectory.with(prefix: "relay-audit-") { dir in
                let (file, lines, export) = try await exportFile(of: "r1", from: "r2", regions: regions, dir: dir)
                #expect(export.status == 0, "\(export.output)")
                let preamble = try AuditPreamble.parse(Array(lines[0].utf8))
                #expect(preamble.origin == "r1" && preamble.source == "r2" && preamble.fromSeq == 1 && preamble.toSeq == 30)
                #expect(preamble.recordCount == 30 && preamble.headerCount >= 8, "\(lines[0])")
                let headerLines = 1...Int(preamble.headerCount)
                let recordLine = { (seq: Int64) in Int(preamble.headerCount) + Int(seq) }

                // Clean: both accept it, every record vouched for by r1's signature.
                for verdict in try await verdicts(file, lines: lines, dir: dir) {
                    #expect(verdict.status == 0, "\(verdict)")
                    #expect(verdict.findings.isEmpty, "\(verdict)")
                }
                let report = try OfflineAuditFile.verify(path: file, trusted: regions.regions)
                #expect(report.consistent && report.signedThrough == 30 && report.headersVerified == preamble.headerCount, "\(report.table)")

                // A body byte changed (seq 12).
                var body = lines
                body[recordLine(12)] = try edit(body[recordLine(12)]) { o in
                    var bytes = try #require(o["body"]?.stringValue.flatMap(Base64.decode))
                    bytes[bytes.count / 2] ^= 0x01
                    o["body"] = .string(Base64.encode(bytes))
                }
                try await expectRefused(body, "hash_mismatch", at: 12, dir: dir)

                // A stored hash changed (seq 7).
                var hash = lines
                hash[recordLine(7)] = try edit(hash[recordLine(7)]) { o in o["hash"] = .string(String(repeating: "ab", count: 32)) }
                try await expectRefused(hash, "hash_mismatch", at: 7, dir: dir)

                // A record removed (seq 18): the gap is named at the record after it.
                var gap = lines
                gap.remove(at: recordLine(18))
                try await expectRefused(gap, "gap", at: 19, dir: dir)

                // The tail cut off (seqs 26…30).
                let truncated = Array(lines.dropLast(5))
                try await expectRefused(truncated, "truncated", at: 26, dir: dir)

                // A header's signature with one byte flipped.
                let first = headerLines.lowerBound
                let firstSeq = try header(lines[first]).firstSeq
                var flipped = lines
                flipped[first] = try edit(flipped[first]) { o in
                    var sig = try #require(o["signature"]?.stringValue.flatMap(Base64.decode))
                    sig[10] ^= 0x80
                    o["signature"] = .string(Base64.encode(sig))
                }
                try await expectRefused(flipped, "bad_signature", at: firstSeq, dir: dir)

                // A header re-signed by a key r1 never had.
                let stranger = SigningKey.generate().key
                var unknown = lines
                unknown[first] = try resign(lines[first], key: stranger) { _ in }
                try await expectRefused(unknown, "unknown_key", at: firstSeq, dir: dir)

                // A header signed by r1's real key, dated before that key's validity window.
                var early = lines
                early[first] = try resign(lines[first], key: regions.node("r1").ledgerKey) { h in
                    h.createdAt = try Timestamp(iso8601: "2025-06-01T00:00:00Z")
                }
                try await expectRefused(early, "unknown_key", at: firstSeq, dir: dir)

                // Both say "could not check" about a file that is not there.
                let missing = try await verdicts(dir.path("missing.jsonl"), lines: nil, dir: dir)
                for verdict in missing { #expect(verdict.status == 2, "\(verdict)") }
            }
        }
    }

    @Test func anExportOfTheOriginsOwnDatabaseHasNoSignedHeadersAndIsReportedUncovered() async throws {
        try await TestRegions.with(["r1", "r2"]) { regions in
            for i in 0..<5 { try await regions.decide(in: "r1", amount: Double(i)) }
            #expect(try await regions.waitUntilConverged())
            try await TemporaryDirectory.with(prefix: "relay-audit-") { dir in
                let (file, lines, export) = try await exportFile(of: "r1", from: "r1", regions: regions, dir: dir)
                #expect(export.status == 0 && export.output.contains("warning"), "\(export.output)")
                for verdict in try await verdicts(file, lines: lines, dir: dir) {
                    #expect(verdict.status == 1 && verdict.has("uncovered", at: 1), "\(verdict)")
                    #expect(verdict.findings.count == 1, "\(verdict)")
                }
            }
        }
    }

    // MARK: Helpers

    /// Writes the region files into `dir` and runs `relay-dr export --origin` on `holder`'s
    /// database; the file, its lines and the command's result.
    private func exportFile(
        of origin: String, from holder: String, regions: TestRegions, dir: TemporaryDirectory
    ) async throws -> (file: String, lines: [String], result: (status: Int32, output: String)) {
        try DRProcess.writeConfig(regions, to: dir.url)
        let file = dir.path("\(origin)-from-\(holder).audit.jsonl")
        let result = try await run(
            relayDR: ["export", "--region", holder, "--origin", origin, "--regions-dir", dir.path("regions"), "--out", file],
            database: regions.node(holder))
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        return (file, text.split(separator: "\n").map(String.init), result)
    }

    /// Writes `lines` to a file and expects both verifiers to refuse it with `reason` at `seq`.
    private func expectRefused(
        _ lines: [String], _ reason: String, at seq: Int64, dir: TemporaryDirectory, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let file = dir.path("tampered-\(reason)-\(seq).jsonl")
        for verdict in try await verdicts(file, lines: lines, dir: dir) {
            #expect(verdict.status == 1, "\(reason): \(verdict)", sourceLocation: sourceLocation)
            #expect(verdict.has(reason, at: seq), "expected \(reason) at seq \(seq): \(verdict)", sourceLocation: sourceLocation)
        }
    }

    /// Both verifiers' verdicts on `path` (written from `lines` first when given).
    private func verdicts(_ path: String, lines: [String]?, dir: TemporaryDirectory) async throws -> [Verdict] {
        if let lines { try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8) }
        let swift = try await run(relayDR: ["verify", "--offline", path, "--regions", dir.path("regions"), "--json"], database: nil)
        let python = try await run(["/usr/bin/env", "python3", Self.repoRoot + "/tools/verify_audit.py", path, "--json"])
        return [try verdict(swift), try verdict(python)]
    }

    private func verdict(_ result: (status: Int32, output: String)) throws -> Verdict {
        guard result.status != 2 else { return Verdict(status: 2, findings: [], output: result.output) }
        // The JSON document is standard output; nothing is written to standard error on exit 0 or 1.
        let json = try JSONParser.parse(Array(result.output.utf8))
        let findings = (json["findings"]?.arrayValue ?? []).map { f in
            (seq: f["seq"]?.numberValue.map { Int64($0) }, reason: f["reason"]?.stringValue ?? "?")
        }
        return Verdict(status: result.status, findings: findings, output: result.output)
    }

    /// Runs relay-dr with `arguments`, pointed at `node`'s database when given.
    private func run(relayDR arguments: [String], database node: TestRegions.Node?) async throws -> (status: Int32, output: String) {
        var env: [String: String] = [:]
        if let node {
            env = [
                "RELAY_DB_HOST": node.cluster.host, "RELAY_DB_PORT": String(node.cluster.port), "RELAY_DB_NAME": node.databaseName,
                "RELAY_DB_USER": node.cluster.superuser,
            ]
        }
        return try await run([ChainerProcess.executable] + arguments, environment: env)
    }

    /// Runs a command; its exit status and its standard output, then its standard error.
    private func run(_ command: [String], environment: [String: String] = [:]) async throws -> (status: Int32, output: String) {
        let r = try await ChildProcess.run(
            command[0], Array(command.dropFirst()), environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new })
        return (r.status, r.stdout + r.stderr)
    }

    private func edit(_ line: String, _ change: (inout [String: JSONValue]) throws -> Void) throws -> String {
        var object = try #require(try JSONParser.parse(Array(line.utf8)).objectValue)
        try change(&object)
        return CanonicalJSON.string(.object(object))
    }

    private func header(_ line: String) throws -> BatchHeader {
        try BatchHeader.parse(try #require(try JSONParser.parse(Array(line.utf8))["header"]))
    }

    /// The batch line with its header changed by `change`, then signed by `key` (and naming it).
    private func resign(_ line: String, key: SigningKey, _ change: (inout BatchHeader) throws -> Void) throws -> String {
        var h = try header(line)
        h.keyID = key.keyID
        try change(&h)
        return AuditLine.batchText(header: h.json, signature: key.sign(h.signingBytes))
    }
}
}
