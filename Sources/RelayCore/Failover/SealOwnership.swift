/// Where a seal may execute, decided from its home region's state as the region asked sees it.
/// No seal executes twice: only one region at a time is allowed to execute a home's seals, and
/// after a forced failover nobody executes the lost region's seals any more.
public enum SealOwnership: Sendable, Equatable {
    /// Execute it here.
    case executeHere
    /// Its executor is another region: forward the request there.
    case forward(to: String)
    /// Nobody executes it now; `retryable` says whether trying again later can succeed.
    case refuse(reason: String, retryable: Bool)

    /// The decision for a seal whose home is `home`, asked at region `local`, given `home`'s state.
    public static func decide(home: String, local: String, homeState: RegionState?) -> SealOwnership {
        let role = homeState?.role ?? .active
        switch role {
        case .active:
            return home == local ? .executeHere : .forward(to: home)
        case .fenced:
            // A switchover is draining the home: its seals move with it once the drain is done.
            return .refuse(reason: "region \(home) is fenced for a switchover; retry shortly", retryable: true)
        case .takenOver(let by, .switchover):
            // Planned: the successor holds every one of the home's seals (the home was drained).
            return by == local ? .executeHere : .forward(to: by)
        case .takenOver(let by, .failover):
            return .refuse(
                reason: "region \(home) was lost and \(by) took over its traffic without its latest records: "
                    + "its seals no longer execute; validate the manifest again to get a new seal", retryable: false)
        }
    }
}
