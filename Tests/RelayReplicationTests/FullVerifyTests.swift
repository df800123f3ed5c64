import AsyncHTTPClient
import Foundation
import RelayCore
import RelayReplication
import RelayStore
import RelayTestSupport
import Testing

/// `relay-dr verify --full` and the equivocation evidence on three regions: what only a
/// recomputation finds (an entry edited in place, a replica row edited, a forged header), and an
/// origin that rewrites its history caught by its own signatures.
extension MultiRegionSuites {
@Suite(.timeLimit(.minutes(10)))
struct FullVerifyTests {
    static func verifier(_ regions: TestRegions, full: Bool = true) -> CrossRegionVerifier {
        CrossRegionVerifier(
            regions: regions.regions.ids, source: RegionCopySource(client: RegionClient(regions: regions.regions, client: HTTPClient.shared, adminToken: nil)),
            full: full)
    }

    @Test func anEntryEditedInPlaceARowEditedAndAForgedHeaderAreFoundOnlyByFull() async throws {
        try await TemporaryDirectory.with(prefix: "relay-verify-full-") { dir in
            try await TestRegions.with { regions in
                try DRProcess.writeConfig(regions, to: dir.url)
                for i in 0..<20 { try await regions.decide(in: "r1", amount: Double(i)) }
                for i in 0..<10 { try await regions.decide(in: "r2", amount: Double(i)) }
                #expect(try await regions.waitUntilConverged())
                let clean = await Self.verifier(regions).run()
                #expect(clean.allSatisfy { $0.status == .consistent }, "\(clean)")
                let manifest = try await regions.node("r3").cluster.psql(
                    "SELECT subject || '|' || seq FROM replica_ledger WHERE origin = 'r2' AND kind = 'manifest' ORDER BY seq LIMIT 1 OFFSET 3",
                    database: regions.node("r3").databaseName
                ).trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|")
                let (manifestID, manifestSeq) = (String(manifest[0]), Int64(manifest[1])!)
                let firstBatch = try await regions.node("r3").cluster.psql(
                    "SELECT min(first_seq) FROM replica_batches WHERE origin = 'r1'", database: regions.node("r3").databaseName
                ).trimmingCharacters(in: .whitespacesAndNewlines)
                // r2's copy of r1: seq 5's body edited, its hash left (the chain no longer recomputes);
                // r3's copy of r2: a manifest row edited, its entry intact; r3 keeps a header of r1
                // whose signature is not r1's.
                try await CrossVerifyTests.tamper(
                    regions, "r2",
                    "UPDATE replica_ledger SET body = convert_to(replace(convert_from(body, 'UTF8'), '\"EUR\"', '\"USD\"'), 'UTF8') WHERE origin = 'r1' AND seq = 5;")
                try await CrossVerifyTests.tamper(
                    regions, "r3", "UPDATE manifests SET parameters = '{\"amount\": 999999, \"currency\": \"EUR\"}' WHERE manifest_id = '\(manifestID)';")
                try await CrossVerifyTests.tamper(
                    regions, "r3",
                    "UPDATE replica_batches SET signature = decode(repeat('ab', 64), 'hex') WHERE origin = 'r1' AND first_seq = \(firstBatch);")
                // The heads still agree: the quick check sees nothing.
                let quick = await Self.verifier(regions, full: false).run()
                #expect(quick.allSatisfy { $0.status == .consistent }, "\(quick)")
                let verdicts = await Self.verifier(regions).run()
                func findings(_ origin: String, _ holder: String) -> [CopyFinding] {
                    verdicts.first { $0.origin == origin && $0.holder == holder }?.findings ?? []
                }
                #expect(findings("r1", "r2").contains { $0.reason == .chainBroken && $0.seq == 5 }, "\(findings("r1", "r2"))")
                #expect(findings("r2", "r3").contains { $0.reason == .rowDiffers && $0.seq == manifestSeq && $0.evidence.contains("999999") }, "\(findings("r2", "r3"))")
                #expect(findings("r1", "r3").map(\.reason) == [.badSignature], "\(findings("r1", "r3"))")
                #expect(findings("r1", "r3").first?.seq == Int64(firstBatch))
                for v in verdicts where !["r1/r2", "r2/r3", "r1/r3"].contains("\(v.origin)/\(v.holder)") {
                    #expect(v.status == .consistent, "\(v)")
                }
                // The command: exit 1, the run recorded with its findings.
                let run = try await VerifyCLI(regions: regions, config: dir.url).run(as: "r1", ["--full", "--json"])
                #expect(run.status == 1, "\(run.stdout)\n\(run.stderr)")
                #expect(run.json?["mode"] == "full")
                let recorded = try await VerificationRunStore(database: regions.node("r1").database).recent().first { $0.mode == "full" }
                #expect(recorded?.result == "inconsistent")
                #expect((recorded?.findings.arrayValue ?? []).contains { $0["reason"] == "bad_signature" && $0["copy"] == "r3" })
            }
        }
    }

    @Test func replicaSealExecutionsAreCheckedAgainstTheEntriesRecordingThem() async throws {
        try await TestRegions.with { regions in
            var seals: [String] = []
            for i in 0..<6 { seals.append(try await regions.decide(in: "r1", amount: Double(i)).payload.sealID) }
            let r1 = SealStore(database: regions.node("r1").database)
            for seal in seals.prefix(3) { _ = try await r1.markExecuted(id: seal, now: RelayClock.system.now(), region: "r1") }
            #expect(try await regions.waitUntilConverged())
            let clean = await Self.verifier(regions).run()
            #expect(clean.allSatisfy { $0.status == .consistent }, "\(clean)")
            func seq(_ query: String, in id: String) async throws -> Int64 {
                let n = regions.node(id)
                return try #require(Int64(try await n.cluster.psql(query, database: n.databaseName).trimmingCharacters(in: .whitespacesAndNewlines)))
            }
            let executedSeq = try await seq("SELECT seq FROM replica_ledger WHERE origin = 'r1' AND kind = 'seal_executed' AND subject = '\(seals[0])'", in: "r2")
            let undoneSeq = try await seq("SELECT seq FROM replica_ledger WHERE origin = 'r1' AND kind = 'seal_executed' AND subject = '\(seals[1])'", in: "r3")
            let manifestSeq = try await seq(
                "SELECT l.seq FROM replica_ledger l JOIN seals s ON s.manifest_id::text = l.subject WHERE l.origin = 'r1' AND l.kind = 'manifest' AND s.seal_id = '\(seals[4])'",
                in: "r3")
            // r2's copy: an execution time moved; r3's copy: an execution undone, and a seal
            // marked executed that no entry records.
            try await CrossVerifyTests.tamper(regions, "r2", "UPDATE seals SET executed_at = executed_at + interval '1 second' WHERE seal_id = '\(seals[0])';")
            try await CrossVerifyTests.tamper(
                regions, "r3",
                """
                UPDATE seals SET was_executed = false, executed_at = NULL WHERE seal_id = '\(seals[1])';
                UPDATE seals SET was_executed = true, executed_at = now() WHERE seal_id = '\(seals[4])';
                """)
            let verdicts = await Self.verifier(regions).run()
            func findings(_ holder: String) -> [CopyFinding] {
                verdicts.first { $0.origin == "r1" && $0.holder == holder }?.findings ?? []
            }
            #expect(findings("r2").map(\.seq) == [executedSeq] && findings("r2").first?.evidence.contains("row_differs") == true, "\(findings("r2"))")
            #expect(
                findings("r3").map(\.seq) == [manifestSeq, undoneSeq].sorted() && findings("r3").allSatisfy { $0.evidence.contains("execution_mismatch") },
                "\(findings("r3"))")
            #expect(findings("r3").contains { $0.seq == manifestSeq && $0.evidence.contains("no seal_executed entry records it") })
            for v in verdicts where v.origin != "r1" || v.holder == "r1" { #expect(v.status == .consistent, "\(v)") }
        }
    }

    @Test func aSecondFullCheckWhileOneRunsIsRefusedWith429() async throws {
        try await TestRegions.with { regions in
            for i in 0..<3 { try await regions.decide(in: "r1", amount: Double(i)) }
            #expect(try await regions.waitUntilConverged())
            let url = "http://127.0.0.1:\(regions.node("r2").drPort)/v1/copies/check"
            // A session holds the kept headers' table: r2's first check waits for it there.
            let n = regions.node("r2")
            let lock = Task {
                try await n.cluster.psql("BEGIN; LOCK TABLE replica_batches IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(4); COMMIT;", database: n.databaseName)
            }
            try await Task.sleep(for: .milliseconds(500))
            let first = Task { try await HTTP.get(url) }
            try await Task.sleep(for: .seconds(1))
            let second = try await HTTP.get(url)
            #expect(second.status == 429, "\(second.json)")
            _ = try await lock.value
            let answered = try await first.value
            #expect(answered.status == 200 && RegionFullCheck.Report(json: answered.json) != nil, "\(answered.json)")
            #expect(try await HTTP.get(url).status == 200)
        }
    }

    /// Rewrites `origin`'s chain after seq `k` (each later entry committed 1 µs later, every hash
    /// recomputed, the recorded head moved), as an origin re-chaining its history would.
    static func rewrite(_ regions: TestRegions, _ origin: String, after k: Int64) async throws {
        var entries: [LedgerEntry] = []
        try await LedgerStore(database: regions.node(origin).database).forEachEntry(region: origin) { e, _ in entries.append(e) }
        var sql = ""
        var prev = entries[Int(k) - 1].hash
        for e in entries where e.seq > k {
            let moved = Timestamp(microseconds: e.committedAt.microseconds + 1)
            let new = LedgerEntry(region: e.region, seq: e.seq, kind: e.kind, body: e.body, committedAt: moved, epoch: e.epoch, prevHash: prev)
            sql += """
                UPDATE ledger SET committed_at = 'epoch'::timestamptz + \(moved.microseconds) * interval '1 microsecond',
                    prev_hash = '\\x\(Hex.encode(prev))', hash = '\\x\(Hex.encode(new.hash))' WHERE region = '\(origin)' AND seq = \(e.seq);

                """
            prev = new.hash
        }
        sql += "UPDATE ledger_heads SET hash = '\\x\(Hex.encode(prev))' WHERE region = '\(origin)';\n"
        try await CrossVerifyTests.tamper(regions, origin, sql)
    }

    @Test func anOriginThatRewritesItsHistoryIsCaughtByItsOwnSignaturesAndTheEvidenceChecksAlone() async throws {
        try await TemporaryDirectory.with(prefix: "relay-evidence-") { dir in
            try await TestRegions.with { regions in
                try DRProcess.writeConfig(regions, to: dir.url)
                for i in 0..<12 { try await regions.decide(in: "r1", amount: Double(i)) }
                #expect(try await regions.waitUntilConverged())
                try await Self.rewrite(regions, "r1", after: 8)
                // r1 ships its new history (a batch of seqs 9…12 signed with its key, as a relay-dr
                // restored with an older cursor would): r2 refuses it as divergent and keeps it.
                let divergent = try await regions.batch(of: "r1", from: 9, to: 12, batchNo: 99)
                let refused = try await regions.post(CanonicalJSON.bytes(divergent.json), to: "r2")
                #expect(refused.status == 409 && refused.json["error"] == "divergence", "\(refused.json)")
                let n = regions.node("r2")
                let kept = try await n.cluster.psql("SELECT count(*) FROM divergent_batches WHERE origin = 'r1' AND seq = 9", database: n.databaseName)
                    .trimmingCharacters(in: .whitespacesAndNewlines) == "1"
                #expect(kept, "r2 kept the divergent batch")
                let (verdicts, equivocations) = await Self.verifier(regions).runWithEvidence()
                let peers = verdicts.filter { $0.origin == "r1" && $0.holder != "r1" }
                #expect(peers.allSatisfy { $0.findings.contains { $0.reason == .hashDiffers && $0.seq == 9 } }, "\(peers)")
                let own = verdicts.first { $0.origin == "r1" && $0.holder == "r1" }
                #expect(own?.findings.contains { $0.reason == .equivocation } == true, "\(String(describing: own))")
                let proof = try #require(equivocations.first { $0.second != nil })
                #expect(proof.origin == "r1" && proof.seq == 12, "the old head r1 signed and the new one it signed after it")
                #expect(proof.first.held == .applied && proof.second?.held == .refused)
                // The exported file proves it with nothing but its contents.
                let file = dir.url.appendingPathComponent("evidence.json")
                let cli = VerifyCLI(regions: regions, config: dir.url)
                let export = try await cli.run(as: "r2", ["--out", file.path], command: ["evidence", "export"])
                #expect(export.status == 0, "\(export.stdout)\n\(export.stderr)")
                let check = try await cli.run(as: "r2", [file.path], command: ["evidence", "check"])
                #expect(check.status == 0, "\(check.stdout)\n\(check.stderr)")
                let text = try String(contentsOf: file, encoding: .utf8)
                let json = try JSONParser.parse(Array(text.utf8))
                #expect(EquivocationEvidence.check(json).isEmpty)
                // A statement altered (its claimed hash) no longer verifies.
                let forged = text.replacingOccurrences(of: Hex.encode(proof.first.header.headHash), with: String(repeating: "0", count: 64))
                #expect(!EquivocationEvidence.check(try JSONParser.parse(Array(forged.utf8))).isEmpty)
                // An existing file is never overwritten (could not write: exit 2).
                let again = try await cli.run(as: "r2", ["--out", file.path], command: ["evidence", "export"])
                #expect(again.status == 2, "an existing file is never overwritten")
            }
        }
    }

    @Test func theContinuousCheckFlagsAPeersCopyAndExportsIt() async throws {
        try await TestRegions.with(configure: { $0.copyVerifyInterval = .milliseconds(200) }) { regions in
            for i in 0..<10 { try await regions.decide(in: "r1", amount: Double(i)) }
            #expect(try await regions.waitUntilConverged())
            try await waitFor { try await regions.metric("r1", "relay_dr_copy_consistent", ["origin": "r1", "copy": "r2"]) == 1 }
            let lastRun = try await regions.metric("r1", "relay_dr_copy_verify_last_run_timestamp_seconds", ["origin": "r1"])
            #expect(lastRun > Double(RelayClock.system.now().microseconds) / 1e6 - 3600, "the last run's time is exported")
            try await CrossVerifyTests.tamper(regions, "r2", "UPDATE replica_ledger SET hash = sha256(hash) WHERE origin = 'r1' AND seq >= 4;")
            try await waitFor { try await regions.metric("r1", "relay_dr_copy_consistent", ["origin": "r1", "copy": "r2"]) == 0 }
            #expect(try await regions.metric("r1", "relay_dr_copy_consistent", ["origin": "r1", "copy": "r3"]) == 1)
            let log = try String(contentsOf: regions.evidence.file("relay-dr-r1.log"), encoding: .utf8)
            #expect(log.contains("COPY INCONSISTENT") && log.contains("\"seq\":\"4\""), "the alert line names the copy and the seq")
            let runs = try await VerificationRunStore(database: regions.node("r1").database).recent()
            #expect(runs.first?.mode == "continuous" && runs.first?.result == "inconsistent")
            #expect(runs.first?.findings.arrayValue?.first?["seq"] == 4)
        }
    }

    /// Polls `condition` (bounded: 30 s).
    func waitFor(_ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("condition not met within 30 s")
    }
}
}
