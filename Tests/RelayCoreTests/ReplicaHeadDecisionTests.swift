import RelayCore
import Testing

/// Every answer of the replica head decision (what a received, already checked batch means for
/// what this region holds of its origin), as a pure function: no database.
struct ReplicaHeadDecisionTests {
    static let key = try! SigningKey(seed: Array(repeating: 7, count: 32))
    /// r1's chain, seqs 1…12, at epoch 1.
    static let chain: [LedgerEntry] = {
        var prev = LedgerEntry.genesisPrevHash
        return (1...12).map { seq in
            let e = LedgerEntry(
                region: "r1", seq: Int64(seq), kind: .authEvent, body: Array("{\"event_id\":\"e\(seq)\"}".utf8),
                committedAt: Timestamp(microseconds: Int64(seq) * 1_000_000), epoch: 1, prevHash: prev)
            prev = e.hash
            return e
        }
    }()

    /// The batch of seqs `range` (signed, consistent), at `epoch`.
    func batch(_ range: ClosedRange<Int>, epoch: Int64 = 1) -> Batch {
        var b = Batch.make(
            records: Self.chain[(range.lowerBound - 1)...(range.upperBound - 1)].map { Batch.Record(entry: $0, subject: "s") },
            prevHash: range.lowerBound == 1 ? LedgerEntry.genesisPrevHash : Self.chain[range.lowerBound - 2].hash, batchNo: 1,
            key: Self.key, now: Timestamp(microseconds: 0))
        b.header.epoch = epoch
        return b
    }

    /// A head holding seqs 1…`seq` of the chain.
    func head(_ seq: Int64, epoch: Int64 = 1, quarantined: Bool = false) -> ReplicaHead {
        ReplicaHead(
            origin: "r1", seq: seq, hash: seq == 0 ? LedgerEntry.genesisPrevHash : Self.chain[Int(seq) - 1].hash, epoch: epoch,
            quarantined: quarantined)
    }

    /// What a replica holding 1…`seq` holds for the batch's seqs at or below it.
    func held(_ seq: Int64, for b: Batch) -> [Int64: [UInt8]] {
        var out: [Int64: [UInt8]] = [:]
        for r in b.records where r.entry.seq <= seq { out[r.entry.seq] = Self.chain[Int(r.entry.seq) - 1].hash }
        return out
    }

    @Test func aBatchThatFollowsTheHeadIsAppliedWhole() throws {
        #expect(try head(0).decide(batch(1...4), held: [:]) == .apply(fromIndex: 0))
        #expect(try head(4).decide(batch(5...9), held: [:]) == .apply(fromIndex: 0))
    }

    @Test func anOverlappingBatchAppliesOnlyWhatIsNew() throws {
        let b = batch(3...9)
        #expect(try head(5).decide(b, held: held(5, for: b)) == .apply(fromIndex: 3))
    }

    @Test func aBatchAlreadyHeldIsADuplicate() throws {
        let b = batch(3...6)
        #expect(try head(6).decide(b, held: held(6, for: b)) == .duplicate)
        #expect(try head(9).decide(b, held: held(9, for: b)) == .duplicate)
    }

    @Test func aBatchStartingBeyondTheHeadIsAGapNamingTheNextSeq() {
        #expect(throws: BatchError.gap(expectedSeq: 5)) { try head(4).decide(batch(6...8), held: [:]) }
        #expect(throws: BatchError.gap(expectedSeq: 1)) { try head(0).decide(batch(2...3), held: [:]) }
    }

    /// Asserts that deciding `batch` against a head at `seq` is a divergence at `at`, and returns its detail.
    @discardableResult
    func expectDivergence(_ batch: Batch, head seq: Int64, held: [Int64: [UInt8]], at: Int64, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        do {
            _ = try head(seq).decide(batch, held: held)
        } catch .divergence(let found, let detail) {
            #expect(found == at, sourceLocation: sourceLocation)
            return detail
        } catch {
            Issue.record("expected a divergence, got \(error)", sourceLocation: sourceLocation)
            return ""
        }
        Issue.record("expected a divergence, got a decision", sourceLocation: sourceLocation)
        return ""
    }

    @Test func aBatchThatFollowsAnotherHashIsADivergence() {
        var b = batch(5...6)
        b.header.prevHash = Array(repeating: 9, count: 32)
        expectDivergence(b, head: 4, held: [:], at: 4)
    }

    @Test func aDifferentHashAtAHeldSeqIsADivergenceAtThatSeq() {
        let b = batch(3...6)
        var mine = held(5, for: b)
        mine[4] = Array(repeating: 1, count: 32)
        expectDivergence(b, head: 5, held: mine, at: 4)
    }

    @Test func aHeldSeqMissingFromTheReplicaIsADivergence() {
        let b = batch(3...6)
        var mine = held(5, for: b)
        mine[3] = nil
        #expect(expectDivergence(b, head: 5, held: mine, at: 3).contains("missing"))
    }

    @Test func anOlderEpochIsStaleAndANewerOneIsAccepted() throws {
        #expect(throws: BatchError.staleEpoch(batch: 1, known: 2)) { try head(4, epoch: 2).decide(batch(5...6, epoch: 1), held: [:]) }
        #expect(try head(4, epoch: 1).decide(batch(5...6, epoch: 2), held: [:]) == .apply(fromIndex: 0))
    }

    @Test func aQuarantinedOriginIsRefusedWhateverTheBatch() {
        #expect(throws: BatchError.quarantined(origin: "r1")) { try head(4, quarantined: true).decide(batch(5...6), held: [:]) }
        let b = batch(1...2)
        #expect(throws: BatchError.quarantined(origin: "r1")) { try head(4, quarantined: true).decide(b, held: held(4, for: b)) }
    }

    @Test func quarantineComesBeforeEpochAndEpochBeforeGap() {
        #expect(throws: BatchError.quarantined(origin: "r1")) { try head(4, epoch: 3, quarantined: true).decide(batch(8...9, epoch: 1), held: [:]) }
        #expect(throws: BatchError.staleEpoch(batch: 1, known: 3)) { try head(4, epoch: 3).decide(batch(8...9, epoch: 1), held: [:]) }
    }

    /// r1 was taken over in a forced failover at epoch 2, its successor holding seqs 1…8.
    let cutoff = ReplicaHead.Cutoff(seq: 8, epoch: 2)

    @Test func pastTheCutoffAnOlderEpochIsStaleNamingTheCutoffEpoch() {
        #expect(throws: BatchError.staleEpoch(batch: 1, known: 2)) { try head(6).decide(batch(7...10), held: [:], cutoff: cutoff) }
        // One record past the cutoff is enough, and the batch is refused whole, not cut at the cutoff.
        #expect(throws: BatchError.staleEpoch(batch: 1, known: 2)) { try head(8).decide(batch(9...9), held: [:], cutoff: cutoff) }
        let overlapping = batch(3...9)
        #expect(throws: BatchError.staleEpoch(batch: 1, known: 2)) { try head(5).decide(overlapping, held: held(5, for: overlapping), cutoff: cutoff) }
    }

    @Test func upToTheCutoffTheOldEpochIsDecidedAsBefore() throws {
        #expect(try head(6).decide(batch(7...8), held: [:], cutoff: cutoff) == .apply(fromIndex: 0))
        #expect(try head(0).decide(batch(1...8), held: [:], cutoff: cutoff) == .apply(fromIndex: 0))
        let overlapping = batch(3...8)
        #expect(try head(5).decide(overlapping, held: held(5, for: overlapping), cutoff: cutoff) == .apply(fromIndex: 3))
        #expect(throws: BatchError.gap(expectedSeq: 5)) { try head(4).decide(batch(6...8), held: [:], cutoff: cutoff) }
    }

    @Test func pastTheCutoffTheNewEpochIsDecidedAsBefore() throws {
        #expect(try head(8).decide(batch(9...12, epoch: 2), held: [:], cutoff: cutoff) == .apply(fromIndex: 0))
        #expect(try head(8).decide(batch(9...12, epoch: 3), held: [:], cutoff: cutoff) == .apply(fromIndex: 0))
        let overlapping = batch(6...12, epoch: 2)
        #expect(try head(8).decide(overlapping, held: held(8, for: overlapping), cutoff: cutoff) == .apply(fromIndex: 3))
        #expect(throws: BatchError.gap(expectedSeq: 9)) { try head(8).decide(batch(10...12, epoch: 2), held: [:], cutoff: cutoff) }
    }

    @Test func duplicatesUpToTheCutoffAreStillDuplicates() throws {
        let b = batch(5...8)
        #expect(try head(8).decide(b, held: held(8, for: b), cutoff: cutoff) == .duplicate)
        // A region that held more of r1 than the successor did still acknowledges re-deliveries below the cutoff.
        #expect(try head(11).decide(b, held: held(11, for: b), cutoff: cutoff) == .duplicate)
        #expect(try head(11).decide(batch(9...11, epoch: 2), held: held(11, for: batch(9...11, epoch: 2)), cutoff: cutoff) == .duplicate)
        var changed = held(8, for: b)
        changed[7] = Array(repeating: 1, count: 32)
        do {
            _ = try head(8).decide(b, held: changed, cutoff: cutoff)
            Issue.record("a different hash below the cutoff must still be a divergence")
        } catch .divergence(let seq, _) {
            #expect(seq == 7)
        } catch {
            Issue.record("expected a divergence, got \(error)")
        }
    }

    @Test func aReDeliveryPastTheCutoffAtTheOldEpochIsRefusedEvenWhenHeld() {
        // Records a region held past the cutoff before the takeover are stranded: their
        // re-delivery is stale too, not acknowledged.
        let b = batch(7...10)
        #expect(throws: BatchError.staleEpoch(batch: 1, known: 2)) { try head(10).decide(b, held: held(10, for: b), cutoff: cutoff) }
    }

    @Test func quarantineAndTheHeadsOwnEpochComeBeforeTheCutoff() {
        #expect(throws: BatchError.quarantined(origin: "r1")) { try head(6, quarantined: true).decide(batch(7...10), held: [:], cutoff: cutoff) }
        #expect(throws: BatchError.staleEpoch(batch: 1, known: 3)) { try head(6, epoch: 3).decide(batch(7...10), held: [:], cutoff: cutoff) }
        // The cutoff comes before the gap: a stale batch is refused as stale wherever it starts.
        #expect(throws: BatchError.staleEpoch(batch: 1, known: 2)) { try head(4).decide(batch(7...10), held: [:], cutoff: cutoff) }
    }
}
