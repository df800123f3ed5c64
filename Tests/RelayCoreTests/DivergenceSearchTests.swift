import RelayCore
import Testing

/// The binary search of `relay-dr verify`, with no I/O: every answer sequence it can get.
struct DivergenceSearchTests {
    /// Drives a search over 1…`through` where the copy is good below `firstBad` (nil: everywhere);
    /// returns the outcome and the look-ups.
    private func drive(through: Int64, firstBad: Int64?) -> (DivergenceSearch.Outcome, Int) {
        var search = DivergenceSearch(through: through)
        var action = search.start()
        while case .lookUp(let seq) = action {
            #expect((1...max(1, through)).contains(seq), "asked seq \(seq) outside 1…\(through)")
            action = search.answer(seq: seq, good: firstBad.map { seq < $0 } ?? true)
        }
        guard case .finished(let outcome) = action else { Issue.record("did not finish"); return (.agrees(through: -1), 0) }
        return (outcome, search.lookUps)
    }

    /// ⌈log2(n)⌉.
    private func log2Ceil(_ n: Int64) -> Int { n <= 1 ? 0 : 64 - (n - 1).leadingZeroBitCount }

    @Test func anEmptyCopyAgreesWithNoLookUp() {
        var search = DivergenceSearch(through: 0)
        #expect(search.start() == .finished(.agrees(through: 0)))
        #expect(search.lookUps == 0)
        #expect(DivergenceSearch(through: -5).through == 0)
    }

    @Test func aConsistentCopyCostsOneLookUpAtTheLastCommonSeq() {
        var search = DivergenceSearch(through: 1000)
        #expect(search.start() == .lookUp(1000))
        #expect(search.answer(seq: 1000, good: true) == .finished(.agrees(through: 1000)))
        #expect(search.lookUps == 1)
    }

    @Test func everyFirstBadSeqOfEveryLengthUpTo128IsFoundExactlyInLogarithmicLookUps() {
        for n in Int64(1)...128 {
            #expect(drive(through: n, firstBad: nil).0 == .agrees(through: n))
            for bad in Int64(1)...n {
                let (outcome, lookUps) = drive(through: n, firstBad: bad)
                #expect(outcome == .firstBad(bad), "n \(n), first bad \(bad)")
                #expect(lookUps <= 1 + log2Ceil(n), "n \(n), first bad \(bad): \(lookUps) look-ups")
            }
        }
    }

    @Test func aLateOrRepeatedAnswerChangesNothing() {
        var search = DivergenceSearch(through: 100)
        #expect(search.start() == .lookUp(100))
        #expect(search.answer(seq: 7, good: false) == .lookUp(100), "an answer nobody asked for")
        #expect(search.answer(seq: 100, good: false) == .lookUp(50))
        #expect(search.answer(seq: 100, good: true) == .lookUp(50), "a repeated answer for an earlier seq")
        #expect(search.answer(seq: 50, good: true) == .lookUp(75))
        #expect(search.good == 50 && search.bad == 100)
    }

    @Test func theFirstSeqBadMeansTheCopyDivergesAtGenesis() {
        var search = DivergenceSearch(through: 2)
        #expect(search.start() == .lookUp(2))
        #expect(search.answer(seq: 2, good: false) == .lookUp(1))
        #expect(search.answer(seq: 1, good: false) == .finished(.firstBad(1)))
    }

    @Test func goodNeedsEveryEntryUpToTheSeqAndTheReferencesHash() {
        let h = [UInt8](repeating: 7, count: 32)
        let other = [UInt8](repeating: 8, count: 32)
        let ref = CopyHashAt(seq: 10, hash: h, heldThrough: 10)
        #expect(DivergenceSearch.isGood(CopyHashAt(seq: 10, hash: h, heldThrough: 10), reference: ref))
        #expect(DivergenceSearch.isGood(CopyHashAt(seq: 10, hash: h, heldThrough: 10), reference: nil))
        #expect(!DivergenceSearch.isGood(CopyHashAt(seq: 10, hash: other, heldThrough: 10), reference: ref), "another hash")
        #expect(!DivergenceSearch.isGood(CopyHashAt(seq: 10, hash: nil, heldThrough: 9), reference: ref), "entry missing")
        #expect(!DivergenceSearch.isGood(CopyHashAt(seq: 10, hash: h, heldThrough: 8), reference: ref), "a range below missing")
        #expect(!DivergenceSearch.isGood(CopyHashAt(seq: 10, hash: h, heldThrough: 10), reference: CopyHashAt(seq: 10, hash: nil, heldThrough: 9)))
    }

    @Test func onAReal100kChainWithOneDivergenceTheSearchSpendsAtMost40LookUpsPerCopy() {
        // A real chain (every hash computed), and a copy re-chained with other content from seq k.
        let n = 100_000
        var chain: [[UInt8]] = []
        var prev = LedgerEntry.genesisPrevHash
        let at = Timestamp(microseconds: 1_767_225_600_000_000)
        for seq in 1...n {
            let e = LedgerEntry(region: "r1", seq: Int64(seq), kind: .authEvent, body: Array("{\"n\":\(seq)}".utf8), committedAt: at, epoch: 1, prevHash: prev)
            chain.append(e.hash)
            prev = e.hash
        }
        for k in [1, 2, 4_999, 50_000, 99_999, 100_000] {
            var copy = Array(chain[..<(k - 1)])
            var p = k == 1 ? LedgerEntry.genesisPrevHash : chain[k - 2]
            for seq in k...n {
                let e = LedgerEntry(region: "r1", seq: Int64(seq), kind: .authEvent, body: Array("{\"m\":\(seq)}".utf8), committedAt: at, epoch: 1, prevHash: p)
                copy.append(e.hash)
                p = e.hash
            }
            // A counted fake hash_at over each chain: the copy's and the reference's.
            var lookUps = 0
            func hashAt(_ c: [[UInt8]], _ seq: Int64) -> CopyHashAt {
                lookUps += 1
                return CopyHashAt(seq: seq, hash: c[Int(seq) - 1], heldThrough: seq)
            }
            var search = DivergenceSearch(through: Int64(n))
            var action = search.start()
            while case .lookUp(let seq) = action {
                action = search.answer(seq: seq, good: DivergenceSearch.isGood(hashAt(copy, seq), reference: hashAt(chain, seq)))
            }
            #expect(action == .finished(.firstBad(Int64(k))), "diverging at \(k)")
            #expect(lookUps <= 40, "diverging at \(k): \(lookUps) hash_at look-ups")
        }
    }

    @Test func theReferenceIsTheOriginUnlessAReplicaHoldsMore() {
        func head(_ holder: String, _ seq: Int64) -> CopyHead {
            CopyHead(origin: "r1", holder: holder, seq: seq, hash: LedgerEntry.genesisPrevHash, count: seq, recordedSeq: seq)
        }
        #expect(CopyVerdict.reference(among: [head("r2", 10), head("r1", 10), head("r3", 10)])?.holder == "r1")
        #expect(CopyVerdict.reference(among: [head("r1", 9), head("r2", 10), head("r3", 10)])?.holder == "r2")
        #expect(CopyVerdict.reference(among: [head("r1", 9), head("r2", 3), head("r3", 12)])?.holder == "r3")
        #expect(CopyVerdict.reference(among: []) == nil)
        var gapped = head("r1", 10)
        gapped.count = 9
        #expect(CopyVerdict.reference(among: [gapped, head("r2", 10)])?.holder == "r2", "a copy without a gap first on ties")
        #expect(CopyVerdict.reference(among: [gapped, head("r2", 9)])?.holder == "r1", "the longest first")
    }

    @Test func theFirstBadSeqIsNamedAsMissingOrAsAnotherHash() {
        let h = [UInt8](repeating: 1, count: 32)
        let g = [UInt8](repeating: 2, count: 32)
        let missing = CopyFinding.firstBad(
            5, copy: CopyHashAt(seq: 5, hash: nil, heldThrough: 4), reference: CopyHashAt(seq: 5, hash: h, heldThrough: 5),
            referenceHolder: "r1", copyHead: 9)
        #expect(missing.reason == .missingRange && missing.seq == 5)
        let differs = CopyFinding.firstBad(
            5, copy: CopyHashAt(seq: 5, hash: g, heldThrough: 5), reference: CopyHashAt(seq: 5, hash: h, heldThrough: 5),
            referenceHolder: "r1", copyHead: 9)
        #expect(differs.reason == .hashDiffers && differs.seq == 5)
        #expect(differs.evidence.contains(Hex.encode(g)) && differs.evidence.contains(Hex.encode(h)))
        let verdict = CopyVerdict(origin: "r1", holder: "r2", headSeq: 9, comparedWith: "r1", findings: [differs])
        #expect(verdict.status == .inconsistent)
        #expect(CopyVerdict(origin: "r1", holder: "r2", headSeq: nil, comparedWith: nil, findings: [CopyFinding(seq: nil, reason: .unreachable, evidence: "x")]).status == .couldNotCheck)
        #expect(CopyVerdict(origin: "r1", holder: "r2", headSeq: 9, comparedWith: "r1").status == .consistent)
    }

    @Test func copyHeadsAndHashAnswersSurviveTheWire() {
        let head = CopyHead(origin: "r1", holder: "r2", seq: 9, hash: [UInt8](repeating: 3, count: 32), count: 8, recordedSeq: 10, quarantined: true)
        #expect(CopyHead(json: head.json) == head)
        let answer = CopyHashAt(seq: 4, hash: nil, heldThrough: 3)
        #expect(CopyHashAt(json: answer.json) == answer)
        #expect(CopyHead(json: ["origin": "r1"]) == nil)
    }
}
