/// What `relay-local kill|restart|stop` asks the running `relay-local up` to do to one region;
/// written as JSON to the control folder (see ``ProcessControlFolder``).
public struct ProcessControlRequest: Codable, Equatable, Sendable {
    /// The three commands.
    public enum Action: String, Codable, Sendable {
        /// Send ``ProcessControlRequest/signal`` to the components and wait until they are gone.
        case kill
        /// SIGTERM, and SIGKILL when that is not enough; wait until they are gone.
        case stop
        /// Start again whichever of the components is not running, in start-up order.
        case restart
    }

    /// What to do.
    public var action: Action
    /// The region id, as in its region file.
    public var region: String
    /// Which of its processes, in start-up order.
    public var components: [RegionComponent]
    /// For ``Action/kill``.
    public var signal: RegionSignal

    /// Creates a request.
    public init(action: Action, region: String, components: [RegionComponent] = RegionComponent.allCases, signal: RegionSignal = .kill) {
        self.action = action
        self.region = region
        self.components = components
        self.signal = signal
    }
}
