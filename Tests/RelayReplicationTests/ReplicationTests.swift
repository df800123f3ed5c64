import Foundation
import RelayCore
import RelayReplication
import RelayStore
import Testing

/// Three regions replicating end to end over real HTTP with real signatures.
extension MultiRegionSuites {
@Suite(.timeLimit(.minutes(5)))
struct ReplicationTests {
    @Test func writesInEachRegionReachTheOtherTwoAndEveryCopyVerifies() async throws {
        try await TestRegions.with { regions in
            for round in 0..<5 {
                for n in regions.nodes { try await regions.decide(in: n.id, amount: Double(round * 1000 + 7)) }
            }
            #expect(try await regions.waitUntilConverged())
            for origin in regions.nodes {
                let mine = try await regions.chain(of: origin.id, in: origin.id)
                #expect(mine.count == 5)
                for holder in regions.nodes where holder.id != origin.id {
                    let copy = try await regions.chain(of: origin.id, in: holder.id)
                    #expect(copy.map(\.0) == mine.map(\.0))
                    #expect(copy.map(\.1) == mine.map(\.1), "\(holder.id)'s copy of \(origin.id) equals the origin's chain")
                }
                let local = try await LocalVerifier(database: origin.database, region: origin.id).run()
                #expect(local.consistent, "\(local.table)")
            }
            // The materialised rows: every region holds all 15 decisions with their origin.
            for holder in regions.nodes {
                let rows = try await holder.cluster.psql(
                    "SELECT region, count(*) FROM manifests GROUP BY region ORDER BY region", database: holder.databaseName)
                #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "r1|5\nr2|5\nr3|5")
            }
            // Status shows zero lag to both peers.
            let status = try await HTTP.get("http://127.0.0.1:\(regions.node("r1").drPort)/v1/status").json
            #expect(status["peers"]?.arrayValue?.count == 2)
            #expect(status["peers"]?.arrayValue?.allSatisfy { $0["lag_records"] == 0 } == true, "\(status)")
        }
    }

    @Test func tinyBatchesWithManyInFlightArriveWholeAndInOrder() async throws {
        // Two records per batch, eight in flight per peer: batches overtake each other on the
        // wire; the receivers wait for predecessors, so no gap is ever answered.
        try await TestRegions.with(configure: {
            $0.shipper.maxRecords = 2
            $0.shipper.window = 8
        }) { regions in
            for i in 0..<60 { try await regions.decide(in: "r1", amount: Double(i)) }
            #expect(try await regions.waitUntilConverged())
            let mine = try await regions.chain(of: "r1", in: "r1")
            #expect(mine.count == 60)
            for holder in ["r2", "r3"] {
                #expect(try await regions.chain(of: "r1", in: holder).map(\.1) == mine.map(\.1), "\(holder)'s copy of r1")
                #expect(try await regions.metric(holder, "relay_dr_batches_rejected_total", ["origin": "r1", "reason": "gap"]) == 0)
            }
        }
    }

    @Test func whatTheChainerLinksLeavesAtOnceWithoutWaitingForTheLinger() async throws {
        // A 10-minute linger: only the chainer's signal can make the shippers look again in time.
        try await TestRegions.with(configure: { $0.shipper.linger = .seconds(600) }) { regions in
            // A first record ships at start-up; after it the shippers look again, find nothing and linger.
            try await regions.decide(in: "r1", amount: 1)
            #expect(try await regions.waitUntilConverged(timeout: .seconds(120)))
            try await Task.sleep(for: .milliseconds(500))
            for i in 0..<3 { try await regions.decide(in: "r1", amount: Double(i)) }
            #expect(try await regions.waitUntilConverged(timeout: .seconds(120)))
            for holder in ["r2", "r3"] {
                #expect(try await regions.chain(of: "r1", in: holder).count == 4, "\(holder)'s copy of r1")
            }
        }
    }

    @Test func aPeerThatStartsAgainSaysHelloAndIsShippedToWithoutWaitingOutTheBackoff() async throws {
        // 10-minute backoffs: only r3's hello at its start can make r1 retry in time.
        try await TestRegions.with(configure: {
            $0.shipper.initialBackoff = .seconds(600)
            $0.shipper.maxBackoff = .seconds(600)
        }) { regions in
            await regions.stop("r3")
            try await regions.decide(in: "r1", amount: 1)
            // r1 has tried to ship to r3 and is backing off.
            var failed = false
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline, !failed {
                let status = try await HTTP.get("http://127.0.0.1:\(regions.node("r1").drPort)/v1/status").json
                failed = status["peers"]?.arrayValue?.first { $0["peer"] == "r3" }?["last_error"]?.stringValue != nil
                if !failed { try await Task.sleep(for: .milliseconds(100)) }
            }
            try #require(failed, "r1 never failed to reach r3")
            regions.start("r3")
            try await regions.waitUntilListening()
            let head = try await LedgerStore(database: regions.node("r1").database).recordedHead(region: "r1")?.seq ?? 0
            var held: Int64 = -1
            let shipped = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < shipped, held < head {
                held = try await ReplicaStore(database: regions.node("r3").database).heads().first { $0.head.origin == "r1" }?.head.seq ?? 0
                if held < head { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(head >= 1)
            #expect(held == head, "r3 holds r1 up to \(held) of \(head)")
        }
    }

    @Test func aPeerDownForAWhileCatchesUpAndLagReturnsToZero() async throws {
        try await TestRegions.with { regions in
            await regions.stop("r3")
            for i in 0..<30 { try await regions.decide(in: "r1", amount: Double(i)) }
            // r1 → r3 lag grows while r3 is down (r1 → r2 stays near 0).
            var lagged = false
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline, !lagged {
                let status = try await HTTP.get("http://127.0.0.1:\(regions.node("r1").drPort)/v1/status").json
                let r3 = status["peers"]?.arrayValue?.first { $0["peer"] == "r3" }
                lagged = (r3?["lag_records"]?.numberValue ?? 0) >= 30 && (r3?["lag_seconds"]?.numberValue ?? 0) > 0
                if !lagged { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(lagged)
            // Keep r3 down until the sampler (every 0.5 s here) has recorded the outage.
            let sampleDeadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < sampleDeadline {
                let seen = try await regions.node("r1").cluster.psql(
                    "SELECT count(*) > 0 FROM lag_samples WHERE peer = 'r3' AND lag_records > 0", database: regions.node("r1").databaseName)
                if seen.trimmingCharacters(in: .whitespacesAndNewlines) == "t" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            regions.start("r3")
            try await regions.waitUntilListening()
            #expect(try await regions.waitUntilConverged())
            let status = try await HTTP.get("http://127.0.0.1:\(regions.node("r1").drPort)/v1/status").json
            let r3 = status["peers"]?.arrayValue?.first { $0["peer"] == "r3" }
            #expect(r3?["lag_records"] == 0)
            #expect(r3?["lag_seconds"] == 0)
            let samples = try await regions.node("r1").cluster.psql(
                "SELECT count(*) > 0 FROM lag_samples WHERE peer = 'r3' AND lag_records > 0", database: regions.node("r1").databaseName)
            #expect(samples.trimmingCharacters(in: .whitespacesAndNewlines) == "t", "lag was sampled while r3 was down")
        }
    }
}
}
