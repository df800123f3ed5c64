/// A switchover, forced failover, failback or drill recorded in the period (the `report` entries
/// of the regions' history), with its measured RTO and RPO against the targets of the region moved.
public struct ComplianceEvent: Sendable, Equatable, Codable {
    /// The history's event id (`switchover:B:<uuid>`).
    public var eventID: String
    /// `switchover`, `failover`, `failback` or `drill`.
    public var kind: String
    /// The region moved, and the region it moved to.
    public var from: String
    public var to: String
    /// When the event's report was recorded.
    public var at: Timestamp
    /// `completed`, `aborted`, `stuck`, … as the event reported it.
    public var outcome: String
    /// Measured RTO; nil when the event did not measure one (not completed).
    public var rtoSeconds: Double?
    /// The RTO target of the region moved (`targets.rto_seconds`).
    public var rtoTargetSeconds: Double
    public var rtoVerdict: ComplianceVerdict
    /// Realised loss in records (a switchover's is 0 by construction; a failback's are the
    /// stranded client records); nil when not known yet.
    public var rpoRecords: Int64?
    /// Loss in seconds of commits, as the forced failover's accepted estimate measured it; nil
    /// for moves that lose nothing by construction.
    public var rpoSeconds: Double?
    /// The RPO target of the region moved (`targets.rpo_seconds`).
    public var rpoTargetSeconds: Double
    public var rpoVerdict: ComplianceVerdict
    /// The region whose history holds the event's report.
    public var recordedBy: String
    /// A drill's moves, each as an event of its own kind (empty for other events).
    public var phases: [ComplianceEvent]

    /// Creates an event.
    public init(
        eventID: String, kind: String, from: String, to: String, at: Timestamp, outcome: String, rtoSeconds: Double?,
        rtoTargetSeconds: Double, rtoVerdict: ComplianceVerdict, rpoRecords: Int64?, rpoSeconds: Double?, rpoTargetSeconds: Double,
        rpoVerdict: ComplianceVerdict, recordedBy: String, phases: [ComplianceEvent] = []
    ) {
        self.eventID = eventID
        self.kind = kind
        self.from = from
        self.to = to
        self.at = at
        self.outcome = outcome
        self.rtoSeconds = rtoSeconds
        self.rtoTargetSeconds = rtoTargetSeconds
        self.rtoVerdict = rtoVerdict
        self.rpoRecords = rpoRecords
        self.rpoSeconds = rpoSeconds
        self.rpoTargetSeconds = rpoTargetSeconds
        self.rpoVerdict = rpoVerdict
        self.recordedBy = recordedBy
        self.phases = phases
    }

    enum CodingKeys: String, CodingKey {
        case kind, from, to, at, outcome, phases
        case eventID = "event_id", rtoSeconds = "rto_seconds", rtoTargetSeconds = "rto_target_seconds", rtoVerdict = "rto_verdict"
        case rpoRecords = "rpo_records", rpoSeconds = "rpo_seconds", rpoTargetSeconds = "rpo_target_seconds"
        case rpoVerdict = "rpo_verdict", recordedBy = "recorded_by"
    }
}
