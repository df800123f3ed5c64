/// One region's state as a region's database sees it: the fold of every `region_control` entry
/// about it that this region holds (its own ledger's and its replicas').
public struct RegionState: Sendable, Equatable {
    /// Who serves the region's traffic.
    public enum Role: Sendable, Equatable {
        /// The region serves itself.
        case active
        /// The region accepts no new manifests, seals or executions (a switchover is draining it).
        case fenced
        /// `successor` serves the region's traffic.
        case takenOver(by: String, mode: TakeoverMode)

        /// The role that a stored or served state names (`state`, `successor`, `mode`); nil when
        /// they name none (an unknown state, a takeover without its successor or mode).
        public init?(name: String, successor: String?, mode: String?) {
            switch name {
            case "active": self = .active
            case "fenced": self = .fenced
            case "taken_over":
                guard let successor, let mode = mode.flatMap(TakeoverMode.init(rawValue:)) else { return nil }
                self = .takenOver(by: successor, mode: mode)
            default: return nil
            }
        }

        /// `active`, `fenced` or `taken_over` (the `region_state.state` column).
        public var name: String {
            switch self {
            case .active: "active"
            case .fenced: "fenced"
            case .takenOver: "taken_over"
            }
        }
    }

    public var region: String
    public var role: Role
    /// While taken over: the seq of the region's ledger its successor held at the takeover.
    public var takeoverSeq: Int64?
    /// Maintenance mode: no automatic action; switchovers refused unless forced.
    public var paused: Bool
    public var epoch: Int64
    /// Raised by every change; with `epoch` it orders changes that arrive from different ledgers.
    public var version: Int64
    /// When, why, by whom and in which event the last change happened (nil before any).
    public var since: Timestamp?
    public var reason: String?
    public var operatorName: String?
    public var eventID: String?

    /// Creates a state.
    public init(
        region: String, role: Role = .active, paused: Bool = false, epoch: Int64 = 1, version: Int64 = 0,
        since: Timestamp? = nil, reason: String? = nil, operatorName: String? = nil, eventID: String? = nil
    ) {
        self.region = region
        self.role = role
        self.paused = paused
        self.epoch = epoch
        self.version = version
        self.since = since
        self.reason = reason
        self.operatorName = operatorName
        self.eventID = eventID
    }

    /// Whether `control` is newer than this state (a higher epoch, or the same epoch and a higher
    /// version). Older or equal entries are re-deliveries or were overtaken, and are ignored.
    public func isOlder(than control: RegionControl) -> Bool {
        (epoch, version) < (control.epoch, control.version)
    }

    /// Whether this state reflects a later change of the region than `other`.
    public func isNewer(than other: RegionState) -> Bool {
        (epoch, version) > (other.epoch, other.version)
    }
}
