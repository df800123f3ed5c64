import Foundation
import RelayCore
import RelayReplication
import Testing

/// The stall the crash soak found, reproduced on purpose: a receiver whose apply of an origin's
/// batches is held up (here: the origin's replica head locked from outside for 12 s) while the
/// shipper's requests time out and it re-sends its window. Before admission, every re-sent batch
/// became one more transaction waiting on that lock, each holding a pooled connection; the pool
/// ran out and the receiver stopped answering anything — /health included — long after the
/// cause was gone. Now one batch per origin reaches the database, the others wait in memory and
/// are answered busy in time, both sides say what is wrong, and replication resumes by itself.
extension MultiRegionSuites {
@Suite(.timeLimit(.minutes(5)))
struct ReceiverOverloadTests {
    @Test func aHeldUpApplyNeitherExhaustsThePoolNorSilencesTheReceiverAndReplicationResumes() async throws {
        try await TestRegions.with(["r1", "r2"], configure: {
            $0.shipper.requestTimeout = .seconds(1)
            $0.shipper.maxRecords = 10
            $0.stallAfter = .seconds(3)
        }) { regions in
            for i in 0..<20 { try await regions.decide(in: "r1", amount: Double(i)) }
            #expect(try await regions.waitUntilConverged())
            let r2 = regions.node("r2")

            // Hold r2's copy of r1 for 12 s, as a slow disk or a stuck transaction would.
            let holder = Task {
                try await r2.cluster.psql(
                    "BEGIN; SELECT seq FROM replica_heads WHERE origin = 'r1' FOR UPDATE; SELECT pg_sleep(12); COMMIT;",
                    database: r2.databaseName)
            }
            try await Task.sleep(for: .milliseconds(500))
            for i in 0..<200 { try await regions.decide(in: "r1", amount: Double(i)) }

            // While it is held (the shipper times out after 1 s and re-sends 4 batches each time).
            try await Task.sleep(for: .seconds(6))
            let waiting = try await r2.cluster.psql(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'relay-dr r2' AND wait_event_type = 'Lock'",
                database: r2.databaseName)
            #expect(Int(waiting.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 99 <= 1, "one transaction per origin waits on the lock, not one per re-sent batch")

            let started = ContinuousClock.now
            let receiverHealth = try await HTTP.get("http://127.0.0.1:\(r2.drPort)/health")
            #expect(ContinuousClock.now - started < .seconds(10), "the receiver still answers /health")
            #expect(receiverHealth.status == 200)
            #expect(receiverHealth.json["components"]?["database"] == "healthy", "its pool still has connections")
            let problems = receiverHealth.json["problems"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(receiverHealth.json["status"] == "degraded")
            #expect(problems.contains { $0.hasPrefix("receiving from r1: nothing accepted for") && $0.contains("busy") }, "\(problems)")
            #expect(try await regions.metric("r2", "relay_dr_batches_rejected_total", ["origin": "r1", "reason": "busy"]) > 0)

            let originHealth = try await HTTP.get("http://127.0.0.1:\(regions.node("r1").drPort)/health")
            #expect(originHealth.json["status"] == "degraded")
            let originProblems = originHealth.json["problems"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(originProblems.contains { $0.hasPrefix("shipping to r2: no acknowledgement for") }, "\(originProblems)")
            #expect(try await regions.metric("r1", "relay_dr_shipping_stalled", ["peer": "r2"]) == 1)

            // Once the lock is gone, it catches up by itself and both sides say so.
            _ = try await holder.value
            #expect(try await regions.waitUntilConverged(timeout: .seconds(60)))
            try await Task.sleep(for: .seconds(1))
            #expect(try await regions.metric("r1", "relay_dr_shipping_stalled", ["peer": "r2"]) == 0)
            #expect(try await HTTP.get("http://127.0.0.1:\(regions.node("r1").drPort)/health").json["status"] == "healthy")
            #expect(try await HTTP.get("http://127.0.0.1:\(r2.drPort)/health").json["status"] == "healthy")
        }
    }
}
}
