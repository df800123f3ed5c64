import RelayCore
@testable import RelayReplication
import Testing

/// Every decision of the shipper, with no database, network, clock or sleeping.
struct ShipperStateMachineTests {
    typealias M = ShipperStateMachine
    /// Records 1…n of one region's chain.
    static let chain: [Batch.Record] = {
        var head = LedgerHead.empty()
        var out: [Batch.Record] = []
        for seq in 1...40 {
            let entry = LedgerEntry(
                region: "r1", seq: Int64(seq), kind: .authEvent, body: Array("{\"n\":\(seq)}".utf8),
                committedAt: Timestamp(microseconds: Int64(seq) * 1_000_000), epoch: 1, prevHash: head.hash)
            out.append(Batch.Record(entry: entry, subject: "s\(seq)"))
            head = LedgerHead(after: entry)
        }
        return out
    }()

    static func records(_ range: ClosedRange<Int>) -> [Batch.Record] { Array(chain[(range.lowerBound - 1)...(range.upperBound - 1)]) }
    static func hash(_ seq: Int64) -> [UInt8] { seq == 0 ? LedgerEntry.genesisPrevHash : chain[Int(seq) - 1].entry.hash }
    static func cursor(_ seq: Int64, batch: Int64) -> M.Cursor { M.Cursor(seq: seq, hash: hash(seq), batchNo: batch) }
    static func applied(_ seq: Int64) -> M.Answer { .applied(seq: seq, hash: hash(seq)) }

    func machine(window: Int = 2, seed: UInt64 = 7) -> M {
        M(window: window, linger: .milliseconds(20), initialBackoff: .milliseconds(100), maxBackoff: .milliseconds(800), random: SplitMix64(seed: seed))
    }

    /// A machine with batches 1 (seqs 1…3) and 2 (4…5) in flight from cursor 0.
    func twoInFlight() -> M {
        var m = machine()
        _ = m.start()
        _ = m.cursorLoaded(Self.cursor(0, batch: 0))
        _ = m.read(Self.records(1...3))
        _ = m.dispatched()
        _ = m.read(Self.records(4...5))
        #expect(m.dispatched() == .awaitAnswer)
        return m
    }

    func plan(_ action: M.Action) -> M.Plan? {
        if case .send(let plan) = action { return plan }
        return nil
    }

    @Test func itStartsByLoadingTheCursorAndReadsAfterIt() {
        var m = machine()
        #expect(m.start() == .loadCursor)
        #expect(m.cursorLoaded(Self.cursor(12, batch: 4)) == .read(after: 12))
    }

    @Test func batchesFollowEachOtherAndTheWindowBoundsWhatIsInFlight() throws {
        var m = machine()
        _ = m.start()
        _ = m.cursorLoaded(Self.cursor(0, batch: 0))
        let first = try #require(plan(m.read(Self.records(1...3))))
        #expect(first.batchNo == 1)
        #expect(first.prevHash == LedgerEntry.genesisPrevHash)
        #expect(first.records.map(\.entry.seq) == [1, 2, 3])
        #expect(m.dispatched() == .read(after: 3))
        let second = try #require(plan(m.read(Self.records(4...5))))
        #expect(second.batchNo == 2)
        #expect(second.prevHash == Self.hash(3))
        #expect(m.dispatched() == .awaitAnswer)
        #expect(m.batchesInFlight == 2)
    }

    @Test func anAnswerMovesTheCursorAndFreesRoomInTheWindow() {
        var m = twoInFlight()
        #expect(m.answered(batchNo: 1, generation: 0, Self.applied(3)) == .persist(Self.cursor(3, batch: 1), records: 3))
        #expect(m.acked == Self.cursor(3, batch: 1))
        #expect(m.persisted() == .read(after: 5))
    }

    @Test func answersArrivingOutOfOrderAreTakenInBatchOrder() {
        var m = twoInFlight()
        #expect(m.answered(batchNo: 2, generation: 0, Self.applied(5)) == .awaitAnswer)
        #expect(m.acked == Self.cursor(0, batch: 0))
        #expect(m.answered(batchNo: 1, generation: 0, Self.applied(3)) == .persist(Self.cursor(3, batch: 1), records: 3))
        #expect(m.persisted() == .persist(Self.cursor(5, batch: 2), records: 2))
        #expect(m.persisted() == .read(after: 5))
    }

    @Test func aDuplicateNamingAnotherHeadIsCheckedAgainstTheChainBeforeTheCursorMoves() {
        var m = twoInFlight()
        // The peer already held up to 9 (from an earlier run): it names its own head.
        #expect(m.answered(batchNo: 1, generation: 0, Self.applied(9)) == .verify(seq: 9, hash: Self.hash(9)))
        #expect(m.verified(true) == .persist(Self.cursor(9, batch: 1), records: 3))
    }

    @Test func anAcknowledgedHashThisRegionNeverHadStopsAndBacksOff() {
        var m = twoInFlight()
        _ = m.answered(batchNo: 1, generation: 0, .applied(seq: 9, hash: Array(repeating: 7, count: 32)))
        guard case .backOff(_, let reason, let label) = m.verified(false) else { Issue.record("expected a back-off"); return }
        #expect(label == "bad_answer")
        #expect(reason.contains("never had"))
        #expect(m.acked == nil)
        #expect(m.timerFired() == .loadCursor)
    }

    @Test func theCursorNeverMovesBackwardsOnAnOlderHeadInADuplicatesAnswer() {
        var m = twoInFlight()
        _ = m.answered(batchNo: 1, generation: 0, Self.applied(9))
        _ = m.verified(true)
        _ = m.persisted()
        // Batch 2 (4…5) is answered with head 9 again: known hash, cursor stays at 9.
        #expect(m.answered(batchNo: 2, generation: 0, Self.applied(9)) == .verify(seq: 9, hash: Self.hash(9)))
        #expect(m.verified(true) == .persist(Self.cursor(9, batch: 2), records: 2))
    }

    @Test func whenThePeerHoldsMoreThanWasCutShippingSkipsAhead() {
        var m = machine(window: 1)
        _ = m.start()
        _ = m.cursorLoaded(Self.cursor(0, batch: 0))
        _ = m.read(Self.records(1...3))
        _ = m.dispatched()
        _ = m.answered(batchNo: 1, generation: 0, Self.applied(9))
        _ = m.verified(true)
        #expect(m.persisted() == .read(after: 9))
    }

    @Test func aGapRewindsToWhatThePeerHoldsAndAbandonsEverythingInFlight() throws {
        var m = twoInFlight()
        #expect(m.answered(batchNo: 1, generation: 0, .gap(expectedSeq: 2)) == .findRewindTarget(seq: 1))
        #expect(m.rewindTarget(Self.hash(1)) == .rewind(to: Self.cursor(1, batch: 1), from: 0))
        #expect(m.batchesInFlight == 0)
        #expect(m.persisted() == .read(after: 1))
        let next = try #require(plan(m.read(Self.records(2...4))))
        #expect(next.batchNo == 2)
        #expect(next.prevHash == Self.hash(1))
        #expect(next.generation == 1)
        // The abandoned batch 2's answer (generation 0) changes nothing.
        #expect(m.dispatched() == .read(after: 4))
        #expect(m.answered(batchNo: 2, generation: 0, Self.applied(5)) == .read(after: 4))
        #expect(m.acked == Self.cursor(1, batch: 1))
    }

    @Test func aGapWithoutAUsableSeqOrBeyondTheChainBacksOff() {
        var m = twoInFlight()
        guard case .backOff(_, _, "bad_answer") = m.answered(batchNo: 1, generation: 0, .gap(expectedSeq: nil)) else {
            Issue.record("expected a back-off"); return
        }
        var n = twoInFlight()
        _ = n.answered(batchNo: 1, generation: 0, .gap(expectedSeq: 0))
        var o = twoInFlight()
        _ = o.answered(batchNo: 1, generation: 0, .gap(expectedSeq: 99))
        guard case .backOff(_, let reason, "bad_answer") = o.rewindTarget(nil) else { Issue.record("expected a back-off"); return }
        #expect(reason.contains("beyond this region's chain"))
    }

    @Test func aRefusalBacksOffWithItsReasonAndRestartsFromTheDurableCursor() {
        var m = twoInFlight()
        let action = m.answered(batchNo: 1, generation: 0, .refused(status: 409, reason: "stale_epoch", detail: "epoch 1 < 2"))
        guard case .backOff(_, let reason, "stale_epoch") = action else { Issue.record("expected a back-off, got \(action)"); return }
        #expect(reason == "peer answered 409: epoch 1 < 2")
        #expect(m.batchesInFlight == 0)
        #expect(m.timerFired() == .loadCursor)
        #expect(m.cursorLoaded(Self.cursor(0, batch: 0)) == .read(after: 0))
    }

    @Test func noAnswerAndUnusableAnswersBackOffWithTheirLabels() {
        var m = twoInFlight()
        guard case .backOff(_, "connection refused", "unreachable") = m.answered(batchNo: 1, generation: 0, .unreachable("connection refused")) else {
            Issue.record("expected a back-off"); return
        }
        var n = twoInFlight()
        guard case .backOff(_, _, "bad_answer") = n.answered(batchNo: 1, generation: 0, .unusable("no applied_seq")) else {
            Issue.record("expected a back-off"); return
        }
    }

    @Test func aFailureOfTheseIOOperationsBacksOffWithoutAMetricLabel() {
        var m = machine()
        _ = m.start()
        guard case .backOff(_, "database down", nil) = m.failed("database down") else { Issue.record("expected a back-off"); return }
        #expect(m.timerFired() == .loadCursor)
    }

    @Test func backoffDoublesWithJitterUpToTheCapAndResetsAfterASuccess() {
        var m = machine()
        _ = m.start()
        var ceilings: [Int64] = []
        for _ in 0..<6 {
            guard case .backOff(let pause, _, _) = m.failed("down") else { Issue.record("expected a back-off"); return }
            ceilings.append(pause.milliseconds)
            _ = m.timerFired()
        }
        for (pause, ceiling) in zip(ceilings, [100, 200, 400, 800, 800, 800] as [Int64]) {
            #expect(pause >= ceiling / 2 && pause <= ceiling, "\(pause) ms within [\(ceiling / 2), \(ceiling)]")
        }
        _ = m.cursorLoaded(Self.cursor(0, batch: 0))
        guard let sent = plan(m.read(Self.records(1...1))) else { Issue.record("expected a batch"); return }
        _ = m.dispatched()
        #expect(m.answered(batchNo: 1, generation: sent.generation, Self.applied(1)) == .persist(Self.cursor(1, batch: 1), records: 1))
        guard case .backOff(let pause, _, _) = m.failed("down again") else { Issue.record("expected a back-off"); return }
        #expect(pause.milliseconds <= 100)
    }

    @Test func theJitterIsDrawnFromTheInjectedSource() {
        func pauses(seed: UInt64) -> [Duration] {
            var m = machine(seed: seed)
            _ = m.start()
            return (0..<5).map { _ in
                defer { _ = m.timerFired() }
                if case .backOff(let pause, _, _) = m.failed("x") { return pause }
                return .zero
            }
        }
        #expect(pauses(seed: 1) == pauses(seed: 1))
        #expect(pauses(seed: 1) != pauses(seed: 2))
    }

    @Test func nothingNewLingersThenLooksAgain() {
        var m = machine()
        _ = m.start()
        _ = m.cursorLoaded(Self.cursor(5, batch: 2))
        #expect(m.read([]) == .linger(.milliseconds(20)))
        #expect(m.timerFired() == .read(after: 5))
    }

    @Test func afterTheLastAnswerOfABusySpellItLooksAgainAtOnce() {
        var m = machine()
        _ = m.start()
        _ = m.cursorLoaded(Self.cursor(0, batch: 0))
        _ = m.read(Self.records(1...3))
        _ = m.dispatched()
        #expect(m.read([]) == .awaitAnswer)
        _ = m.answered(batchNo: 1, generation: 0, Self.applied(3))
        #expect(m.persisted() == .read(after: 3))
        #expect(m.read([]) == .linger(.milliseconds(20)))
    }

    @Test func answersOfAnAbandonedGenerationAreIgnoredAfterABackOff() {
        var m = twoInFlight()
        _ = m.answered(batchNo: 1, generation: 0, .unreachable("timeout"))
        _ = m.timerFired()
        _ = m.cursorLoaded(Self.cursor(0, batch: 0))
        _ = m.read(Self.records(1...3))
        _ = m.dispatched()
        // Batch 1 of generation 0 answers late: ignored; generation 1's answer counts.
        #expect(m.answered(batchNo: 1, generation: 0, Self.applied(3)) == .read(after: 3))
        #expect(m.acked == Self.cursor(0, batch: 0))
        _ = m.read([])
        #expect(m.answered(batchNo: 1, generation: 1, Self.applied(3)) == .persist(Self.cursor(3, batch: 1), records: 3))
    }

    /// A seeded simulation: a peer that answers late, out of order, loses answers, refuses and
    /// forgets (restored from a backup). Whatever happens, the cursor only ever names what the
    /// peer holds with this region's hash, the window is never exceeded, and in the end the
    /// peer holds the whole chain.
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func aSimulatedUnreliablePeerEndsWithTheWholeChain(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var m = machine(window: 3, seed: seed)
        var peerHead: Int64 = 0
        var durable = Self.cursor(0, batch: 0)
        var pending: [(M.Plan, M.Answer?)] = []  // sent; answer decided when delivered
        var action = m.start()
        var steps = 0
        while steps < 5000, !(peerHead == 40 && durable.seq == 40) {
            steps += 1
            #expect(m.batchesInFlight <= 3)
            switch action {
            case .loadCursor: action = m.cursorLoaded(durable)
            case .read(let seq): action = m.read(Array(Self.chain.dropFirst(Int(seq)).prefix(Int.random(in: 1...6, using: &rng))))
            case .send(let plan):
                pending.append((plan, nil))
                action = m.dispatched()
            case .awaitAnswer:
                guard !pending.isEmpty else { Issue.record("waiting with nothing in flight"); return }
                let (plan, _) = pending.remove(at: Int.random(in: 0..<pending.count, using: &rng))
                let first = plan.records[0].entry.seq, last = plan.records[plan.records.count - 1].entry.seq
                let answer: M.Answer
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: answer = .unreachable("timeout")
                case 1: answer = .refused(status: 503, reason: "unavailable", detail: "database down")
                case 2:
                    peerHead = min(peerHead, Int64.random(in: 0...peerHead, using: &rng))  // restored from a backup
                    answer = first > peerHead + 1 ? .gap(expectedSeq: peerHead + 1) : Self.applied(max(peerHead, last))
                    if first <= peerHead + 1 { peerHead = max(peerHead, last) }
                default:
                    if first > peerHead + 1 {
                        answer = .gap(expectedSeq: peerHead + 1)
                    } else {
                        peerHead = max(peerHead, last)
                        answer = last == peerHead ? Self.applied(last) : Self.applied(peerHead)
                    }
                }
                action = m.answered(batchNo: plan.batchNo, generation: plan.generation, answer)
            case .verify(let seq, let hash): action = m.verified(Self.hash(seq) == hash)
            case .persist(let cursor, _), .rewind(let cursor, _):
                #expect(cursor.seq <= 40 && cursor.hash == Self.hash(cursor.seq), "the cursor names this region's hash")
                durable = cursor
                action = m.persisted()
            case .findRewindTarget(let seq): action = m.rewindTarget(seq <= 40 ? Self.hash(seq) : nil)
            case .linger, .backOff:
                // Answers still pending belong to abandoned batches: delivered later, ignored.
                action = m.timerFired()
            }
        }
        #expect(peerHead == 40, "seed \(seed): the peer holds the whole chain after \(steps) steps")
        #expect(durable.seq == 40)
    }
}
