import RelayCore
import Testing

struct RejoinCheckTests {
    let at = Timestamp(microseconds: 1_800_000_000_000_000)

    /// `a` as its successor `b` records it after a forced failover (epoch 2).
    var takenOver: RegionState {
        RegionState(region: "a", role: .takenOver(by: "b", mode: .failover), epoch: 2, version: 1, since: at)
    }

    @Test func aPeerThatHoldsANewerTakeoverMakesTheRegionFenceItself() {
        let decision = RejoinCheck.decide(
            local: RegionState(region: "a"), views: ["c": takenOver, "b": takenOver], unanswered: [], patienceLeft: true)
        // Both hold the same takeover: the first peer by name is named, whatever the order.
        #expect(decision == .fence(successor: "b", epoch: 2, peer: "b"))
    }

    @Test func oneAnsweringPeerWithTheTakeoverIsEnoughEvenWhileTheSuccessorIsSilent() {
        let decision = RejoinCheck.decide(
            local: RegionState(region: "a"), views: ["c": takenOver], unanswered: ["b"], patienceLeft: true)
        #expect(decision == .fence(successor: "b", epoch: 2, peer: "c"))
    }

    @Test func theNewestTakeoverWins() {
        var later = takenOver
        later.role = .takenOver(by: "c", mode: .failover)
        later.epoch = 4
        let decision = RejoinCheck.decide(
            local: RegionState(region: "a"), views: ["b": takenOver, "c": later], unanswered: [], patienceLeft: false)
        #expect(decision == .fence(successor: "c", epoch: 4, peer: "c"))
    }

    @Test func aTakeoverTheRegionAlreadyKnowsOrAnOlderOneChangesNothing() {
        // The region failed back since (epoch 3): the peer's view of the takeover is older.
        let local = RegionState(region: "a", epoch: 3, version: 2, since: at)
        let decision = RejoinCheck.decide(local: local, views: ["b": takenOver], unanswered: [], patienceLeft: true)
        #expect(decision == .confirm(basis: "no newer takeover at b"))
    }

    @Test func aRegionAlreadyFencedOrTakenOverInItsOwnDatabaseIsConfirmedWithoutAsking() {
        for role in [RegionState.Role.fenced, .takenOver(by: "b", mode: .switchover)] {
            let local = RegionState(region: "a", role: role, epoch: 2, version: 1, since: at)
            #expect(RejoinCheck.decide(local: local, views: [:], unanswered: ["b", "c"], patienceLeft: true)
                == .confirm(basis: "the region is already \(role.name) in its own database"))
        }
    }

    @Test func silentPeersAreWaitedForWhilePatienceLastsThenNamedInTheBasis() {
        let active = RegionState(region: "a")
        #expect(RejoinCheck.decide(local: active, views: ["c": active], unanswered: ["b"], patienceLeft: true) == .wait)
        #expect(RejoinCheck.decide(local: active, views: ["c": active], unanswered: ["b"], patienceLeft: false)
            == .confirm(basis: "no newer takeover at c; no answer from b within the rejoin patience"))
        #expect(RejoinCheck.decide(local: active, views: [:], unanswered: ["b", "c"], patienceLeft: false)
            == .confirm(basis: "no peer answered; no answer from b, c within the rejoin patience"))
        #expect(RejoinCheck.decide(local: active, views: [:], unanswered: [], patienceLeft: true) == .confirm(basis: "the region has no peers"))
    }

    @Test func aPeerThatSeesTheRegionFencedButNotTakenOverDoesNotFenceIt() {
        // A switchover that was rolled back elsewhere is not a takeover: only takeovers fence.
        let fencedElsewhere = RegionState(region: "a", role: .fenced, epoch: 1, version: 3, since: at)
        #expect(RejoinCheck.decide(local: RegionState(region: "a"), views: ["b": fencedElsewhere], unanswered: [], patienceLeft: true)
            == .confirm(basis: "no newer takeover at b"))
    }
}
