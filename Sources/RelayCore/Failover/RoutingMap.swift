/// Which region serves each region's traffic (`GET /v1/routing`), from the region states a
/// region holds. DNS, the local traffic generator and forwarded executions follow it.
public struct RoutingMap: Sendable, Equatable {
    /// Region id → its state; regions with no state are active at epoch 1.
    public let states: [String: RegionState]

    /// A map over `regions`, with the states known for them.
    public init(regions: [String], states: [RegionState]) {
        var all = Dictionary(uniqueKeysWithValues: regions.map { ($0, RegionState(region: $0)) })
        for s in states { all[s.region] = s }
        self.states = all
    }

    /// The region whose gateway serves `region`'s traffic: the successor of a takeover (followed
    /// when the successor was itself taken over), else the region itself.
    public func serving(_ region: String) -> String {
        var current = region
        var seen: Set<String> = [region]
        while case .takenOver(let by, _) = states[current]?.role, seen.insert(by).inserted {
            current = by
        }
        return current
    }
}
