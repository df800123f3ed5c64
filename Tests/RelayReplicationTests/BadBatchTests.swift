import Foundation
import RelayCore
import RelayReplication
import RelayStore
import RelaySystem
import Testing

/// Bad input to the receiver: each attempt gets a clear 4xx, leaves the replica byte-for-byte
/// unchanged and increments `relay_dr_batches_rejected_total` with its reason. Only r1's daemon
/// runs; batches "from r2" are cut from r2's real chain and signed by hand.
extension MultiRegionSuites {
@Suite(.timeLimit(.minutes(3)))
struct BadBatchTests {
    /// r2 has 10 chained decisions; r1 already applied r2's 1…5.
    private func prepared(_ body: @Sendable @escaping (TestRegions) async throws -> Void) async throws {
        try await TestRegions.with(start: ["r1"], configure: { $0.maxBodyBytes = 64 << 10 }) { regions in
            for i in 0..<10 { try await regions.decide(in: "r2", amount: Double(i)) }
            try await regions.chainAll("r2")
            let first = try await regions.batch(of: "r2", from: 1, to: 5)
            let ok = try await regions.post(CanonicalJSON.bytes(first.json), to: "r1")
            #expect(ok.status == 200, "\(ok.json)")
            #expect(ok.json["applied_seq"] == 5)
            try await body(regions)
        }
    }

    /// Posts `bytes` to r1 and checks the answer, the unchanged replica and the metric.
    private func refused(
        _ regions: TestRegions, _ bytes: [UInt8], status: Int, reason: String, origin: String = "r2",
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = try await regions.replicaFingerprint("r1")
        let count = try await regions.metric("r1", "relay_dr_batches_rejected_total", ["origin": origin, "reason": reason])
        let reply = try await regions.post(bytes, to: "r1")
        #expect(reply.status == status, "\(reply.json)", sourceLocation: sourceLocation)
        if reason != "duplicate" {
            #expect(reply.json["error"]?.stringValue == reason, "\(reply.json)", sourceLocation: sourceLocation)
            #expect(reply.json["detail"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
        }
        #expect(try await regions.replicaFingerprint("r1") == before, "replica unchanged", sourceLocation: sourceLocation)
        #expect(
            try await regions.metric("r1", "relay_dr_batches_rejected_total", ["origin": origin, "reason": reason]) == count + 1,
            sourceLocation: sourceLocation)
    }

    /// `batch`'s wire JSON with `edit` applied to it.
    private func edited(_ batch: Batch, _ edit: (inout [String: JSONValue]) -> Void) -> [UInt8] {
        var o = batch.json.objectValue!
        edit(&o)
        return CanonicalJSON.bytes(.object(o))
    }

    @Test func forgedTamperedReplayedAndMisplacedBatchesAreRefused() async throws {
        try await prepared { regions in
            let next = try await regions.batch(of: "r2", from: 6, to: 10, batchNo: 2)

            // Bit flip in a record body: the hash no longer recomputes.
            var flipped = next
            flipped.records[2].entry.body[5] ^= 0x04
            try await refused(regions, CanonicalJSON.bytes(flipped.json), status: 400, reason: "malformed")

            // Bit flip in the signature.
            var badSig = next
            badSig.signature[10] ^= 0x01
            try await refused(regions, CanonicalJSON.bytes(badSig.json), status: 403, reason: "bad_signature")

            // Signed by a key nobody listed.
            let stranger = try await regions.batch(of: "r2", from: 6, to: 10, batchNo: 2, key: SigningKey.generate().key)
            try await refused(regions, CanonicalJSON.bytes(stranger.json), status: 403, reason: "unknown_key")

            // Signed by another region's (real, listed) ledger key.
            let r3Key = try await regions.batch(of: "r2", from: 6, to: 10, batchNo: 2, key: regions.node("r3").ledgerKey)
            try await refused(regions, CanonicalJSON.bytes(r3Key.json), status: 403, reason: "unknown_key")

            // Replay of the batch already applied: acknowledged, nothing changes.
            let old = try await regions.batch(of: "r2", from: 1, to: 5)
            try await refused(regions, CanonicalJSON.bytes(old.json), status: 200, reason: "duplicate")

            // Skipping ahead: 8…10 while r1 holds up to 5.
            let ahead = try await regions.batch(of: "r2", from: 8, to: 10, batchNo: 2)
            let before = try await regions.replicaFingerprint("r1")
            let gap = try await regions.post(CanonicalJSON.bytes(ahead.json), to: "r1")
            #expect(gap.status == 409)
            #expect(gap.json["error"] == "gap")
            #expect(gap.json["expected_seq"] == 6)
            #expect(try await regions.replicaFingerprint("r1") == before)
            #expect(try await regions.metric("r1", "relay_dr_batches_rejected_total", ["origin": "r2", "reason": "gap"]) == 1)

            // Records reordered (each still valid on its own, the header re-signed).
            var swapped = next
            swapped.records.swapAt(1, 2)
            swapped.signature = regions.node("r2").ledgerKey.sign(swapped.header.signingBytes)
            try await refused(regions, CanonicalJSON.bytes(swapped.json), status: 400, reason: "malformed")

            // Junk.
            try await refused(regions, Array("{\"header\": ".utf8), status: 400, reason: "malformed", origin: "unknown")
            try await refused(regions, Array("[1,2,3]".utf8), status: 400, reason: "malformed", origin: "unknown")
            try await refused(
                regions, edited(next) { $0["extra"] = true }, status: 400, reason: "malformed", origin: "unknown")

            // Oversized (the test daemon accepts 64 KiB).
            let huge = Array(repeating: UInt8(ascii: " "), count: 70 << 10) + CanonicalJSON.bytes(next.json)
            try await refused(regions, huge, status: 413, reason: "too_large", origin: "unknown")

            // An origin nobody knows, and r1 itself.
            let alien = edited(next) { o in
                var h = o["header"]!.objectValue!
                h["origin"] = "mars-1"
                o["header"] = .object(h)
            }
            try await refused(regions, alien, status: 403, reason: "unknown_origin", origin: "unknown")

            // After all that, the genuine next batch still applies.
            let ok = try await regions.post(CanonicalJSON.bytes(next.json), to: "r1")
            #expect(ok.status == 200, "\(ok.json)")
            #expect(ok.json["applied_seq"] == 10)
        }
    }

    @Test func aBatchArrivingBeforeItsPredecessorWaitsForItInsteadOfBeingAGap() async throws {
        try await prepared { regions in
            // A pipelining shipper's batches 6…7 and 8…10 on two connections, the later one first.
            let first = try await regions.batch(of: "r2", from: 6, to: 7, batchNo: 2)
            let second = try await regions.batch(of: "r2", from: 8, to: 10, batchNo: 3)
            async let early = regions.post(CanonicalJSON.bytes(second.json), to: "r1")
            try await Task.sleep(for: .milliseconds(300))
            let late = try await regions.post(CanonicalJSON.bytes(first.json), to: "r1")
            let earlyReply = try await early
            #expect(late.status == 200, "\(late.json)")
            #expect(earlyReply.status == 200, "\(earlyReply.json)")
            #expect(earlyReply.json["status"] == "applied")
            #expect(earlyReply.json["applied_seq"] == 10)
            #expect(try await regions.metric("r1", "relay_dr_batches_rejected_total", ["origin": "r2", "reason": "gap"]) == 0)
            #expect(try await regions.metric("r1", "relay_dr_batches_reordered_total", ["origin": "r2"]) == 1)
            #expect(try await regions.chain(of: "r2", in: "r1").map(\.1) == regions.chain(of: "r2", in: "r2").map(\.1))
        }
    }

    @Test func aStaleEpochIsRefused() async throws {
        try await prepared { regions in
            // r1 has learnt of a takeover: r2's history now continues at epoch 2.
            _ = try await regions.node("r1").cluster.psql(
                "UPDATE replica_heads SET epoch = 2 WHERE origin = 'r2'", database: regions.node("r1").databaseName)
            let next = try await regions.batch(of: "r2", from: 6, to: 10, batchNo: 2)
            try await refused(regions, CanonicalJSON.bytes(next.json), status: 409, reason: "stale_epoch")
        }
    }

    @Test func aDivergentHistoryAtAnAppliedSeqQuarantinesTheOrigin() async throws {
        try await prepared { regions in
            // A second, validly signed history of r2 from genesis: same seqs, different records.
            let r2 = regions.node("r2")
            let forged = (1...5).map { i in
                LedgerRecord.authEvent(
                    AuthEventRecord(
                        eventID: UUID().uuidString.lowercased(), event: AuthEvent(type: "token", success: true, endpoint: "/fork/\(i)"),
                        createdAt: RelayClock.system.now()))
            }
            let pending = forged.enumerated().map { i, r in
                PendingRecord(id: Int64(i), kind: r.kind, body: r.bodyBytes, committedAt: RelayClock.system.now())
            }
            let entries = LedgerHead.empty().link(pending, region: "r2")
            let fork = Batch.make(
                records: zip(entries, forged).map { Batch.Record(entry: $0, subject: $1.subject) },
                prevHash: LedgerEntry.genesisPrevHash, batchNo: 9, key: r2.ledgerKey, now: RelayClock.system.now())
            let before = try await regions.replicaFingerprint("r1")
            let reply = try await regions.post(CanonicalJSON.bytes(fork.json), to: "r1")
            #expect(reply.status == 409)
            #expect(reply.json["error"] == "divergence")
            #expect(reply.json["seq"] == 1)
            #expect(try await regions.metric("r1", "relay_dr_divergences_total", ["origin": "r2"]) == 1)
            #expect(try await regions.metric("r1", "relay_dr_origin_quarantined", ["origin": "r2"]) == 1)
            // Nothing of the fork was applied; only the quarantine flag changed.
            let heads = try await ReplicaStore(database: regions.node("r1").database).heads()
            let head = try #require(heads.first { $0.head.origin == "r2" })
            #expect(head.head.quarantined)
            #expect(head.head.seq == 5)
            #expect(before != (try await regions.replicaFingerprint("r1")))
            // From now on r2's batches, even genuine ones, are refused until an operator acts.
            let next = try await regions.batch(of: "r2", from: 6, to: 10, batchNo: 2)
            let refusedReply = try await regions.post(CanonicalJSON.bytes(next.json), to: "r1")
            #expect(refusedReply.status == 423)
            #expect(refusedReply.json["error"] == "quarantined")
        }
    }
}
}
