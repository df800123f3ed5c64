/// The body of a `region_control` ledger entry: one change of one region's state, written by a
/// relay-dr coordinator (switchover, failover, failback, pause, resume). Region state changes only
/// through these entries, so every change replicates to every region and stays in the audit trail.
public struct RegionControl: Sendable, Equatable {
    /// What the entry does to `region`.
    public enum Action: String, Sendable, CaseIterable {
        /// Stop accepting manifests, seals and executions (planned: before a drain).
        case fence
        /// Accept them again (a switchover that rolled back).
        case unfence
        /// `successor` serves `region`'s traffic from now on, at a new epoch.
        case takeover
        /// `region` serves its own traffic again, at a new epoch.
        case failback
        /// Maintenance: no automatic action, switchovers refused unless forced.
        case pause
        /// End of maintenance.
        case resume
        /// History only, no change of state: what an event (switchover, failover, failback,
        /// drill) measured — RTO, RPO, pre-checks, hook output — recorded once it ended.
        case report
    }

    /// What a forced failover accepted to lose: the region's last head known to any reachable
    /// peer, against what the successor held (`takeoverSeq`).
    public struct AcceptedLoss: Sendable, Equatable {
        public var lastKnownSeq: Int64
        public var records: Int64
        public var seconds: Double
        public init(lastKnownSeq: Int64, records: Int64, seconds: Double) {
            self.lastKnownSeq = lastKnownSeq
            self.records = records
            self.seconds = seconds
        }
    }

    /// A region's stranded records, found at its failback: the seqs of its own ledger beyond
    /// the point its successor took over, which the successor never received. They stay in the
    /// region's ledger and replicate after the failback; `records` counts the clients' records
    /// (manifests, executions, registrations) among them: the realised RPO.
    public struct Stranded: Sendable, Equatable {
        public var fromSeq: Int64
        public var throughSeq: Int64
        public var records: Int64
        public init(fromSeq: Int64, throughSeq: Int64, records: Int64) {
            self.fromSeq = fromSeq
            self.throughSeq = throughSeq
            self.records = records
        }
    }

    /// Unique id of the entry (its ledger `subject`).
    public var controlID: String
    public var action: Action
    /// The region whose state changes.
    public var region: String
    /// The region serving `region` after a takeover; nil otherwise.
    public var successor: String?
    /// How a takeover happened: it decides whether the successor executes the old region's seals.
    public var mode: TakeoverMode?
    /// Takeovers: the seq of `region`'s ledger the successor held. After a forced failover,
    /// peers refuse the region's records beyond it until it fails back.
    public var takeoverSeq: Int64?
    /// Takeovers in `failover` mode: the loss the operator accepted.
    public var acceptedLoss: AcceptedLoss?
    /// Failbacks after a forced failover: the region's stranded records, when there are any.
    public var stranded: Stranded?
    /// Reports: the event's measurements (a JSON object).
    public var report: JSONValue?
    /// The region's epoch and state version after this change (each change raises the version;
    /// takeover and failback also raise the epoch). Entries at or below a region's current
    /// (epoch, version) are already applied or stale, and change nothing.
    public var epoch: Int64
    public var version: Int64
    /// The switchover/failover/failback/drill this change belongs to.
    public var eventID: String
    /// Who ran the command, and why.
    public var operatorName: String
    public var reason: String
    public var at: Timestamp

    /// Creates a control entry.
    public init(
        controlID: String, action: Action, region: String, successor: String? = nil, mode: TakeoverMode? = nil,
        epoch: Int64, version: Int64, eventID: String, operatorName: String, reason: String, at: Timestamp
    ) {
        self.controlID = controlID
        self.action = action
        self.region = region
        self.successor = successor
        self.mode = mode
        self.epoch = epoch
        self.version = version
        self.eventID = eventID
        self.operatorName = operatorName
        self.reason = reason
        self.at = at
    }
}

/// How a successor took a region over.
public enum TakeoverMode: String, Sendable, CaseIterable {
    /// Planned: the region was fenced and fully drained, so the successor holds all its seals.
    case switchover
    /// Forced: the region was unreachable; the successor never executes its pre-takeover seals.
    case failover
}
