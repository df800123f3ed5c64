/// A maximal run of consecutive samples whose lag exceeded the RPO target, not interrupted by a
/// sampling gap.
public struct LagBreach: Sendable, Equatable, Codable {
    /// How a breach ended.
    public enum Ending: String, Sendable, Equatable, Codable {
        /// A sample within the target followed: `end` is that sample's time.
        case recovered
        /// Sampling stopped (a gap followed): `end` is the last breaching sample's time plus the gap
        /// threshold (what that sample stands for); the gap is listed separately.
        case gap
        /// The period ended while the lag was still above the target: `end` is the period's end
        /// (or the last sample plus the gap threshold when sooner).
        case periodEnd = "period_end"
    }

    /// The first sample above the target.
    public var start: Timestamp
    /// When the breach ended (see `endedBy`).
    public var end: Timestamp
    public var endedBy: Ending
    /// `end − start` in seconds.
    public var durationSeconds: Double
    /// Largest lag in the run, in seconds and in records.
    public var peakSeconds: Double
    public var peakRecords: Int64
    /// Samples in the run (for per-minute history: minutes).
    public var samples: Int64

    /// Creates a breach interval.
    public init(
        start: Timestamp, end: Timestamp, endedBy: Ending, durationSeconds: Double, peakSeconds: Double, peakRecords: Int64,
        samples: Int64
    ) {
        self.start = start
        self.end = end
        self.endedBy = endedBy
        self.durationSeconds = durationSeconds
        self.peakSeconds = peakSeconds
        self.peakRecords = peakRecords
        self.samples = samples
    }

    enum CodingKeys: String, CodingKey {
        case start, end, samples
        case endedBy = "ended_by", durationSeconds = "duration_seconds", peakSeconds = "peak_seconds", peakRecords = "peak_records"
    }
}

/// A stretch of the period no sample stands for: never counted as within the target.
public struct SamplingGap: Sendable, Equatable, Codable {
    /// The last sample before the gap (or the period's start).
    public var start: Timestamp
    /// The first sample after it (or the period's end).
    public var end: Timestamp
    /// `end − start` in seconds.
    public var durationSeconds: Double

    /// Creates a gap.
    public init(start: Timestamp, end: Timestamp, durationSeconds: Double) {
        self.start = start
        self.end = end
        self.durationSeconds = durationSeconds
    }

    enum CodingKeys: String, CodingKey {
        case start, end
        case durationSeconds = "duration_seconds"
    }
}

/// One point of a pair's lag chart: the largest lag seen in the bucket starting at `at`.
public struct LagPoint: Sendable, Equatable, Codable {
    public var at: Timestamp
    public var maxSeconds: Double

    /// Creates a point.
    public init(at: Timestamp, maxSeconds: Double) {
        self.at = at
        self.maxSeconds = maxSeconds
    }

    enum CodingKeys: String, CodingKey {
        case at
        case maxSeconds = "max_seconds"
    }
}

/// What the origin's shipper did for the pair in the period: acknowledged batches and records,
/// and refused attempts by reason (the reasons of `relay_dr_ship_failures_total`).
public struct ShippingTally: Sendable, Equatable, Codable {
    public var batchesShipped: Int64
    public var recordsShipped: Int64
    /// Reason → count.
    public var batchesRefused: [String: Int64]

    /// Creates a tally.
    public init(batchesShipped: Int64 = 0, recordsShipped: Int64 = 0, batchesRefused: [String: Int64] = [:]) {
        self.batchesShipped = batchesShipped
        self.recordsShipped = recordsShipped
        self.batchesRefused = batchesRefused
    }

    /// Refused attempts of every reason.
    public var refusedTotal: Int64 { batchesRefused.values.reduce(0, +) }

    enum CodingKeys: String, CodingKey {
        case batchesShipped = "batches_shipped", recordsShipped = "records_shipped", batchesRefused = "batches_refused"
    }
}
