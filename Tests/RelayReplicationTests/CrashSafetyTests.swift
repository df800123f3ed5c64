import Foundation
import RelayCore
import RelayReplication
import RelayStore
import Testing

/// kill -9 of an origin relay-dr, a peer relay-dr and a peer PostgreSQL at random moments under
/// load: afterwards every copy equals the origin's chain (no gap, no duplicate, nothing lost).
/// Bounded: `RELAY_CRASH_ITERATIONS` (default 30) kills; `make soak` runs a longer version.
extension MultiRegionSuites {
// The limit allows `make soak` (RELAY_CRASH_ITERATIONS=300); the default 30 takes about a minute.
@Suite(.timeLimit(.minutes(30)))
struct CrashSafetyTests {
    @Test func killingDaemonsAndAPeerDatabaseLosesAndDuplicatesNothing() async throws {
        let iterations = Int(ProcessInfo.processInfo.environment["RELAY_CRASH_ITERATIONS"] ?? "") ?? 30
        try #require(FileManager.default.isExecutableFile(atPath: ChainerProcess.executable), "build relay-dr first")
        try await TestRegions.with(dedicatedClusters: true, start: []) { regions in
            let dir = regions.evidence.directory
            try DRProcess.writeConfig(regions, to: dir)
            var procs: [String: DRProcess] = [:]
            for n in regions.nodes { procs[n.id] = try DRProcess.start(regions, n.id, dir: dir) }
            defer { for p in procs.values { p.killNow() } }

            // Load: decisions keep arriving in r1 and r3 (r2's database is the one we kill).
            let stop = ManagedFlag()
            let writer = Task {
                var written = 0
                while !stop.isSet {
                    for id in ["r1", "r3"] {
                        if (try? await regions.decide(in: id, amount: Double(written % 6000))) != nil { written += 1 }
                    }
                    try? await Task.sleep(for: .milliseconds(5))
                }
                return written
            }
            var rng = SystemRandomNumberGenerator()
            var kills: [String: Int] = [:]
            for _ in 0..<iterations {
                try await Task.sleep(for: .milliseconds(Int.random(in: 100...400, using: &rng)))
                switch Int.random(in: 0..<3, using: &rng) {
                case 0:
                    await procs["r1"]!.kill9()
                    procs["r1"] = try DRProcess.start(regions, "r1", dir: dir)
                    kills["origin relay-dr", default: 0] += 1
                case 1:
                    await procs["r2"]!.kill9()
                    procs["r2"] = try DRProcess.start(regions, "r2", dir: dir)
                    kills["peer relay-dr", default: 0] += 1
                default:
                    try regions.node("r2").cluster.kill9()
                    try await Task.sleep(for: .milliseconds(Int.random(in: 50...300, using: &rng)))
                    try await regions.node("r2").cluster.restart()
                    kills["peer postgres", default: 0] += 1
                }
            }
            stop.set()
            let written = await writer.value
            #expect(written > 50, "load was applied while killing")
            #expect(kills.values.reduce(0, +) == iterations, "\(kills)")

            let converged = try await regions.waitUntilConverged(timeout: .seconds(120))
            if !converged {
                await regions.dumpDiagnostics()
                // What each daemon said about itself when the wait ended (kept with the logs).
                for (id, p) in procs.sorted(by: { $0.key < $1.key }) {
                    let status = try? await HTTP.get("http://127.0.0.1:\(regions.node(id).drPort)/v1/status")
                    let text = "running: \(p.process.isRunning)\n" + (status.map { "\($0.status) \(CanonicalJSON.string($0.json))" } ?? "no answer")
                    try? text.write(to: dir.appendingPathComponent("status-\(id).txt"), atomically: true, encoding: .utf8)
                    await p.dumpThreads(to: dir.appendingPathComponent("threads-\(id).txt"))
                }
            }
            for p in procs.values { await p.stop() }
            #expect(converged, "every copy equals its origin within 120 s of the last kill")
            for origin in regions.nodes {
                let mine = try await regions.chain(of: origin.id, in: origin.id)
                #expect(Set(mine.map(\.0)).count == mine.count)
                for holder in regions.nodes where holder.id != origin.id {
                    let copy = try await regions.chain(of: origin.id, in: holder.id)
                    // Compared whole, reported briefly (thousands of seqs and hashes help nobody).
                    let seqsEqual = copy.map(\.0) == mine.map(\.0)
                    let hashesEqual = copy.map(\.1) == mine.map(\.1)
                    let firstDifference = zip(copy, mine).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? (copy.count == mine.count ? nil : min(copy.count, mine.count))
                    let summary = "\(holder.id) holds \(copy.count) of \(origin.id)'s \(mine.count) entries; first difference at index \(firstDifference.map(String.init) ?? "none")"
                    #expect(seqsEqual, "\(holder.id)'s copy of \(origin.id): no gap, no duplicate (\(summary))")
                    #expect(hashesEqual, "\(holder.id)'s copy of \(origin.id) equals the origin (\(summary))")
                }
                let local = try await LocalVerifier(database: origin.database, region: origin.id).run()
                #expect(local.consistent, "\(local.table)")
            }
            // Materialised rows equal the origin's rows.
            for origin in ["r1", "r3"] {
                let count = try await regions.node(origin).cluster.psql(
                    "SELECT count(*) FROM manifests WHERE region = '\(origin)'", database: regions.node(origin).databaseName)
                for holder in regions.nodes where holder.id != origin {
                    let held = try await holder.cluster.psql(
                        "SELECT count(*) FROM manifests WHERE region = '\(origin)'", database: holder.databaseName)
                    #expect(held == count, "\(holder.id) holds every \(origin) decision")
                }
            }
        }
    }
}
}
