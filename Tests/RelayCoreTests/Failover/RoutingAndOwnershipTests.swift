import RelayCore
import Testing

struct RoutingAndOwnershipTests {
    @Test func trafficGoesToTheSuccessorAndFollowsAChainOfTakeovers() {
        let map = RoutingMap(
            regions: ["a", "b", "c"],
            states: [
                RegionState(region: "a", role: .takenOver(by: "b", mode: .switchover), epoch: 2),
                RegionState(region: "b", role: .takenOver(by: "c", mode: .failover), epoch: 2),
            ])
        #expect(map.serving("a") == "c")
        #expect(map.serving("b") == "c")
        #expect(map.serving("c") == "c")
        #expect(map.serving("unknown") == "unknown")
    }

    @Test func aCycleOfTakeoversEnds() {
        let map = RoutingMap(
            regions: ["a", "b"],
            states: [
                RegionState(region: "a", role: .takenOver(by: "b", mode: .failover)),
                RegionState(region: "b", role: .takenOver(by: "a", mode: .failover)),
            ])
        #expect(["a", "b"].contains(map.serving("a")))
    }

    @Test func aSealExecutesAtHomeOrAtItsSwitchoverSuccessorAndNeverAfterAForcedFailover() {
        func decide(_ role: RegionState.Role, local: String) -> SealOwnership {
            SealOwnership.decide(home: "a", local: local, homeState: RegionState(region: "a", role: role))
        }
        #expect(SealOwnership.decide(home: "a", local: "a", homeState: nil) == .executeHere)
        #expect(decide(.active, local: "b") == .forward(to: "a"))
        #expect(decide(.takenOver(by: "b", mode: .switchover), local: "b") == .executeHere)
        #expect(decide(.takenOver(by: "b", mode: .switchover), local: "c") == .forward(to: "b"))
        #expect(decide(.takenOver(by: "b", mode: .switchover), local: "a") == .forward(to: "b"))
        guard case .refuse(let reason, let retryable) = decide(.takenOver(by: "b", mode: .failover), local: "b") else {
            Issue.record("a forced failover's successor must refuse the lost region's seals")
            return
        }
        #expect(!retryable && reason.contains("validate the manifest again"))
        guard case .refuse(_, let retry) = decide(.fenced, local: "a") else {
            Issue.record("a fenced home executes nothing")
            return
        }
        #expect(retry)
    }
}
