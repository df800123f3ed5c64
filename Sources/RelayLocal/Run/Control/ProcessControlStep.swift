/// One step of a ``ProcessControlRequest`` on one component, decided by
/// ``ProcessControlStep/plan(_:running:)`` from what runs in the region.
enum ProcessControlStep: Equatable, Sendable {
    /// Send the signal and wait until the component is gone.
    case signal(RegionComponent, RegionSignal)
    /// SIGTERM, then SIGKILL after a grace period; wait until it is gone.
    case stop(RegionComponent)
    /// Start it with its first start's command line, environment, port and log; wait until it answers.
    case start(RegionComponent)
    /// Nothing to do: it already is as asked (`running` says which way).
    case already(RegionComponent, running: Bool)

    /// The component the step acts on.
    var component: RegionComponent {
        switch self {
        case .signal(let c, _), .stop(let c), .start(let c), .already(let c, _): return c
        }
    }

    /// The steps for `request`, given the components of its region that run now. Pure, so the
    /// order and the refusals are tested without processes.
    ///
    /// Stopping goes from relay-dr to PostgreSQL (the users of the database first); starting
    /// goes the other way. A restart that would start the gateway or relay-dr while PostgreSQL
    /// stays down is refused: they would only fail their health check.
    static func plan(_ request: ProcessControlRequest, running: Set<RegionComponent>) throws(ProcessControlError) -> [ProcessControlStep] {
        let asked = Set(request.components)
        switch request.action {
        case .kill, .stop:
            return asked.sorted().reversed().map { c in
                guard running.contains(c) else { return .already(c, running: false) }
                return request.action == .stop ? .stop(c) : .signal(c, request.signal)
            }
        case .restart:
            let databaseUp = running.contains(.postgres) || asked.contains(.postgres)
            let starts = asked.subtracting(running)
            if !databaseUp, !starts.isDisjoint(with: [.gateway, .dr]) { throw .databaseDown(region: request.region) }
            return asked.sorted().map { running.contains($0) ? .already($0, running: true) : .start($0) }
        }
    }
}
