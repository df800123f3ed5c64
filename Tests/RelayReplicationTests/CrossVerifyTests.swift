import AsyncHTTPClient
import Foundation
import RelayCore
import RelayReplication
import RelayStore
import RelayTestSupport
import Testing

/// `relay-dr verify` across three regions over their relay-drs' read-only copies API: a clean
/// cluster under load verifies from every region, and every fault injected behind the triggers
/// is named at the right copy with its exact seq and reason, in O(log n) look-ups.
extension MultiRegionSuites {
@Suite(.timeLimit(.minutes(10)))
struct CrossVerifyTests {
    /// A verifier of `regions` through their relay-drs, counting its look-ups.
    static func verifier(_ regions: TestRegions) -> (CrossRegionVerifier, CountingCopySource) {
        let source = CountingCopySource(RegionCopySource(client: RegionClient(regions: regions.regions, client: HTTPClient.shared, adminToken: nil)))
        return (CrossRegionVerifier(regions: regions.regions.ids, source: source), source)
    }

    /// Runs `sql` in region `id`'s database with triggers off (as an intruder with superuser rights would).
    static func tamper(_ regions: TestRegions, _ id: String, _ sql: String) async throws {
        let n = regions.node(id)
        _ = try await n.cluster.psql("SET session_replication_role = replica;\n" + sql, database: n.databaseName)
    }

    @Test func aCleanClusterUnderLoadVerifiesFromEveryRegionAndEveryRunIsRecorded() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ChainerProcess.executable), "build relay-dr first (swift build)")
        try await TemporaryDirectory.with(prefix: "relay-verify-") { dir in
            try await TestRegions.with { regions in
                try DRProcess.writeConfig(regions, to: dir.url)
                let cli = VerifyCLI(regions: regions, config: dir.url)
                for n in regions.nodes { for i in 0..<5 { try await regions.decide(in: n.id, amount: Double(i)) } }
                let load = Task {
                    var i = 0
                    while !Task.isCancelled {
                        for n in regions.nodes { _ = try? await regions.decide(in: n.id, amount: Double(i)) }
                        i += 1
                        try? await Task.sleep(for: .milliseconds(20))
                    }
                }
                defer { load.cancel() }
                for n in regions.nodes {
                    let run = try await cli.run(as: n.id, ["--json"])
                    #expect(run.status == 0, "verify from \(n.id) under load:\n\(run.stdout)\n\(run.stderr)")
                    #expect(run.json?["result"] == "consistent")
                    #expect(run.json?["copies"]?.arrayValue?.count == 9, "3 origins × 3 copies")
                }
                let viaDB = try await cli.run(as: "r2", ["--via-db"])
                #expect(viaDB.status == 0, "\(viaDB.stdout)\n\(viaDB.stderr)")
                #expect(viaDB.stdout.contains("CONSISTENT"))
                load.cancel()
                _ = await load.value
                for n in regions.nodes {
                    let runs = try await VerificationRunStore(database: n.database).recent()
                    #expect(runs.count == (n.id == "r2" ? 2 : 1), "runs recorded in \(n.id)")
                    #expect(runs.allSatisfy { $0.result == "consistent" && $0.runBy == n.id && $0.findings == .array([]) })
                }
                #expect(try await VerificationRunStore(database: regions.node("r2").database).recent().first?.scope["via"] == "db")
                // A recorded run is evidence: it cannot be changed.
                let n = regions.node("r1")
                await #expect(throws: (any Error).self) {
                    try await n.cluster.psql("UPDATE verification_runs SET result = 'inconsistent'", database: n.databaseName)
                }
                // A region that does not answer: could not check (exit 2), naming it.
                await regions.stop("r3")
                let partial = try await cli.run(as: "r1", [])
                #expect(partial.status == 2, "\(partial.stdout)\n\(partial.stderr)")
                #expect(partial.stdout.contains("unreachable"))
            }
        }
    }

    @Test func anEditedATruncatedAndAGappedReplicaAreNamedAtTheExactSeq() async throws {
        try await TestRegions.with { regions in
            for i in 0..<40 { try await regions.decide(in: "r1", amount: Double(i)) }
            for i in 0..<20 { try await regions.decide(in: "r2", amount: Double(i)) }
            for i in 0..<10 { try await regions.decide(in: "r3", amount: Double(i)) }
            #expect(try await regions.waitUntilConverged())
            let (clean, _) = Self.verifier(regions)
            let before = await clean.run()
            #expect(before.allSatisfy { $0.status == .consistent }, "\(before)")
            // r2's copy of r1 re-chained with other hashes from seq 17; r3's copy of r1 cut after
            // seq 30; seqs 10…12 removed from r3's copy of r2.
            try await Self.tamper(regions, "r2", "UPDATE replica_ledger SET hash = sha256(hash) WHERE origin = 'r1' AND seq >= 17;")
            try await Self.tamper(regions, "r3", "DELETE FROM replica_ledger WHERE origin = 'r1' AND seq > 30;")
            try await Self.tamper(regions, "r3", "DELETE FROM replica_ledger WHERE origin = 'r2' AND seq BETWEEN 10 AND 12;")
            let (verifier, _) = Self.verifier(regions)
            let verdicts = await verifier.run()
            func verdict(_ origin: String, _ holder: String) -> CopyVerdict? { verdicts.first { $0.origin == origin && $0.holder == holder } }
            #expect(verdicts.count == 9)
            let edited = try #require(verdict("r1", "r2"))
            #expect(edited.status == .inconsistent)
            #expect(edited.findings.map(\.reason) == [.hashDiffers] && edited.findings.first?.seq == 17, "\(edited)")
            #expect(edited.comparedWith == "r1")
            let cut = try #require(verdict("r1", "r3"))
            #expect(cut.findings.map(\.reason) == [.truncated] && cut.findings.first?.seq == 31, "\(cut)")
            #expect(cut.headSeq == 30)
            let gapped = try #require(verdict("r2", "r3"))
            #expect(gapped.findings.map(\.reason) == [.missingRange] && gapped.findings.first?.seq == 10, "\(gapped)")
            for (origin, holder) in [("r1", "r1"), ("r2", "r2"), ("r2", "r1"), ("r3", "r1"), ("r3", "r2"), ("r3", "r3")] {
                #expect(verdict(origin, holder)?.status == .consistent, "\(origin) held by \(holder)")
            }
            // Filters: one origin, the copies of one region.
            var narrowed = verifier
            narrowed.origins = ["r1"]
            narrowed.holders = ["r2"]
            let one = await narrowed.run()
            #expect(one.map { "\($0.origin)/\($0.holder)" } == ["r1/r2"])
            #expect(one.first?.findings.first?.seq == 17)
        }
    }

    @Test func aDivergenceInA100kChainIsFoundWithAtMost40LookUpsThroughTheAPI() async throws {
        try await TestRegions.with { regions in
            // Two copies of r1's chain of 100,000 entries (bulk-inserted, as a peer holding them
            // would store them), the second rewritten from seq 70,001.
            let insert = """
                INSERT INTO replica_ledger (origin, seq, kind, subject, body, committed_at, epoch, prev_hash, hash, batch_no)
                SELECT 'r1', s, 'auth_event', 'e' || s, '{}'::bytea, now(), 1,
                    CASE WHEN s = 1 THEN decode(repeat('00', 32), 'hex') ELSE sha256(('h' || (s - 1))::bytea) END,
                    sha256(('h' || s)::bytea), 1
                FROM generate_series(1, 100000) s;
                INSERT INTO replica_heads (origin, seq, hash) VALUES ('r1', 100000, sha256('h100000'::bytea));
                """
            try await CrossVerifyTests.tamper(regions, "r2", insert)
            try await CrossVerifyTests.tamper(
                regions, "r3",
                insert + "UPDATE replica_ledger SET hash = sha256(('x' || seq)::bytea) WHERE origin = 'r1' AND seq > 70000;")
            let (verifier, counter) = Self.verifier(regions)
            var scoped = verifier
            scoped.origins = ["r1"]
            let verdicts = await scoped.run()
            let r3 = try #require(verdicts.first { $0.holder == "r3" })
            #expect(r3.findings.map(\.reason) == [.hashDiffers] && r3.findings.first?.seq == 70_001, "\(r3)")
            #expect(r3.comparedWith == "r2", "r2's copy is the longest (r1's own ledger is empty here)")
            #expect(verdicts.first { $0.holder == "r2" }?.status == .consistent)
            let counted = counter.lookUps.values.reduce(0, +)
            #expect(counted <= 40, "hash_at look-ups for r3's copy, counted: \(counter.lookUps)")
            #expect(counted == r3.lookUps)
        }
    }

    @Test func theCopiesAPIAnswersWhatIsHeldAndRefusesBadInput() async throws {
        try await TestRegions.with { regions in
            for i in 0..<3 { try await regions.decide(in: "r1", amount: Double(i)) }
            #expect(try await regions.waitUntilConverged())
            let base = "http://127.0.0.1:\(regions.node("r2").drPort)"
            let copies = try await HTTP.get(base + "/v1/copies")
            #expect(copies.status == 200)
            let heads = copies.json["copies"]?.arrayValue?.compactMap(CopyHead.init(json:)) ?? []
            // Its own ledger and the replica of r1; nothing was ever received from r3 (which wrote nothing).
            #expect(heads.map(\.origin).sorted() == ["r1", "r2"], "\(copies.json)")
            #expect(heads.first { $0.origin == "r1" }.map { ($0.seq, $0.count, $0.recordedSeq, $0.holder) } ?? (0, 0, 0, "") == (3, 3, 3, "r2"))
            let one = try await HTTP.get(base + "/v1/copies?origin=r1")
            #expect(one.json["copies"]?.arrayValue?.compactMap(CopyHead.init(json:)).map(\.origin) == ["r1"])
            let own = try await HTTP.get(base + "/v1/copies?origin=r2")
            #expect(own.json["copies"]?.arrayValue?.compactMap(CopyHead.init(json:)).map(\.holder) == ["r2"])
            #expect(try await HTTP.get(base + "/v1/copies?origin=nowhere").status == 400)
            let chain = try await regions.chain(of: "r1", in: "r1")
            let at2 = try await HTTP.get(base + "/v1/copies/r1/hash?seq=2")
            #expect(at2.status == 200)
            #expect(CopyHashAt(json: at2.json) == CopyHashAt(seq: 2, hash: chain[1].1, heldThrough: 2))
            let beyond = try await HTTP.get(base + "/v1/copies/r1/hash?seq=4")
            #expect(beyond.status == 404)
            #expect(CopyHashAt(json: beyond.json) == CopyHashAt(seq: 4, hash: nil, heldThrough: 3))
            #expect(try await HTTP.get(base + "/v1/copies/nowhere/hash?seq=1").status == 400)
            #expect(try await HTTP.get(base + "/v1/copies/r1/hash?seq=0").status == 400)
            #expect(try await HTTP.get(base + "/v1/copies/r1/hash?seq=abc").status == 400)
            #expect(try await HTTP.get(base + "/v1/copies/r1/hash").status == 400)
        }
    }
}
}
