import Foundation
import RelayCore
import RelayLocal
import RelayReplication
import Testing

/// `relay-dr status`: the probe against live daemons, and the verdict from canned answers.
@Suite(.timeLimit(.minutes(5)))
struct StatusTests {
    @Test func liveRegionsAreAllReachableWithZeroLagOnceConverged() async throws {
        try await TestRegions.with { regions in
            for n in regions.nodes { try await regions.decide(in: n.id) }
            #expect(try await regions.waitUntilConverged())
            let status = await StatusProbe(regions: regions.regions).run()
            #expect(status.regions.map(\.region) == ["r1", "r2", "r3"])
            #expect(status.regions.allSatisfy { $0.reachable && $0.headSeq == 1 }, "\(status.table)")
            #expect(status.pairs.count == 6)
            #expect(status.pairs.allSatisfy { $0.lagRecords == 0 && $0.replicaSeq == 1 && !$0.quarantined }, "\(status.table)")
            #expect(status.exitCode == 0)
            #expect(status.table.contains("r1 → r2"))
            #expect(status.json["healthy"] == true)
        }
    }

    @Test func aRegionWhoseDaemonDoesNotAnswerIsReportedUnreachableAndFailsTheCheck() async throws {
        try await TestRegions.with { regions in
            try await regions.decide(in: "r1")
            // A fourth region in the file set whose relay-dr is not running (nothing listens there).
            var silent = try #require(regions.regions.region("r2"))
            silent.id = "r9"
            silent.drURL = URL(string: "http://127.0.0.1:\(try LoopbackPort.pickFree())")!
            silent.keys = []
            let set = try RegionSet(regions: regions.regions.regions + [silent])
            let status = await StatusProbe(regions: set, timeout: .seconds(2)).run()
            let r9 = try #require(status.regions.first { $0.region == "r9" })
            #expect(!r9.reachable)
            #expect(r9.error == "connection refused", "\(r9.error ?? "")")
            #expect(status.regions.filter(\.reachable).count == 3)
            #expect(status.exitCode == 1)
            #expect(status.table.contains("UNREACHABLE"))
            // r9's own pairs are unknown; the others are still measured by their origins.
            #expect(status.pairs.first { $0.origin == "r9" }?.lagRecords == nil)
            #expect(status.pairs.first { $0.origin == "r1" && $0.peer == "r3" }?.lagRecords != nil)
        }
    }

    @Test func aQuarantinedOriginFailsTheCheckWithItsReason() throws {
        let a = RegionProbe(
            region: "a", url: "http://a", error: nil,
            status: ["head": ["seq": 5, "unchained": 0], "peers": [["peer": "b", "acked_seq": 3, "lag_records": 2, "lag_seconds": 1.5, "last_error": "409 divergence"]], "replicas": []])
        let b = RegionProbe(
            region: "b", url: "http://b", error: nil,
            status: ["head": ["seq": 0, "unchained": 0], "peers": [["peer": "a", "acked_seq": 0, "lag_records": 0, "lag_seconds": 0]],
                     "replicas": [["origin": "a", "seq": 3, "quarantined": true, "quarantine_reason": "divergence at seq 4"]]])
        let status = ClusterStatus(regions: [a, b])
        let ab = try #require(status.pairs.first { $0.origin == "a" })
        #expect(ab.lagRecords == 2 && ab.lagSeconds == 1.5 && ab.replicaSeq == 3 && ab.quarantined)
        #expect(status.exitCode == 1)
        #expect(status.table.contains("QUARANTINED: divergence at seq 4"))
        #expect(ClusterStatus(regions: [b]).exitCode == 0)
    }
}
