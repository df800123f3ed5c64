/// What the samples of one pair (origin → peer) show over a report's period, as the origin's
/// relay-dr measured it on its own clock.
public struct PairCompliance: Sendable, Equatable, Codable {
    /// Which samples the figures come from.
    public enum Resolution: String, Sendable, Equatable, Codable {
        /// Every sample (`lag_samples`): exact figures.
        case raw
        /// Only per-minute summaries (`lag_minutes`, history older than the raw retention).
        case minute
        /// Per-minute summaries for the older part, samples for the rest.
        case mixed
        /// Nothing was sampled in the period, or the origin did not answer.
        case none
    }

    public var origin: String
    public var peer: String
    /// The origin's RPO target (`targets.rpo_seconds` of its region file).
    public var rpoTargetSeconds: Double
    /// False when the origin's relay-dr did not answer: every figure below is then empty and the
    /// verdict `unknown` (the region is listed under the report's missing regions).
    public var measured: Bool
    public var resolution: Resolution
    /// True when percentiles were computed from per-minute figures (p50 from the minutes' p50,
    /// p95/p99 from their p99, weighted by samples), so they are close to but not exactly the
    /// percentiles of the samples; `max` stays exact.
    public var approximate: Bool
    /// Samples in the period (for per-minute history: the samples the minutes summarised).
    public var samples: Int64
    public var lagSeconds: LagFigures
    public var lagRecords: LagFigures
    /// The period's length, and how it divides: covered by samples (each sample stands for the
    /// time until the next one, at most the gap threshold), of which within the target, and gaps.
    public var periodSeconds: Double
    public var coveredSeconds: Double
    public var withinTargetSeconds: Double
    public var gapSeconds: Double
    /// `withinTargetSeconds / periodSeconds` (0…1): gaps count as NOT within the target.
    public var shareWithinTarget: Double
    /// A sample interval longer than this is a gap (3 × the sample interval by default).
    public var gapThresholdSeconds: Double
    public var breaches: [LagBreach]
    public var gaps: [SamplingGap]
    public var shipping: ShippingTally
    /// At most ~300 points (largest lag per bucket) for charts; empty when nothing was sampled.
    public var series: [LagPoint]

    /// Creates a pair's figures.
    public init(
        origin: String, peer: String, rpoTargetSeconds: Double, measured: Bool = true, resolution: Resolution, approximate: Bool = false,
        samples: Int64, lagSeconds: LagFigures, lagRecords: LagFigures, periodSeconds: Double, coveredSeconds: Double,
        withinTargetSeconds: Double, gapSeconds: Double, shareWithinTarget: Double, gapThresholdSeconds: Double,
        breaches: [LagBreach] = [], gaps: [SamplingGap] = [], shipping: ShippingTally = .init(), series: [LagPoint] = []
    ) {
        self.origin = origin
        self.peer = peer
        self.rpoTargetSeconds = rpoTargetSeconds
        self.measured = measured
        self.resolution = resolution
        self.approximate = approximate
        self.samples = samples
        self.lagSeconds = lagSeconds
        self.lagRecords = lagRecords
        self.periodSeconds = periodSeconds
        self.coveredSeconds = coveredSeconds
        self.withinTargetSeconds = withinTargetSeconds
        self.gapSeconds = gapSeconds
        self.shareWithinTarget = shareWithinTarget
        self.gapThresholdSeconds = gapThresholdSeconds
        self.breaches = breaches
        self.gaps = gaps
        self.shipping = shipping
        self.series = series
    }

    /// A pair whose origin did not answer: nothing measured, the whole period unknown.
    public static func unmeasured(origin: String, peer: String, rpoTargetSeconds: Double, period: ReportPeriod) -> PairCompliance {
        PairCompliance(
            origin: origin, peer: peer, rpoTargetSeconds: rpoTargetSeconds, measured: false, resolution: .none, samples: 0,
            lagSeconds: .none, lagRecords: .none, periodSeconds: period.seconds, coveredSeconds: 0, withinTargetSeconds: 0,
            gapSeconds: period.seconds, shareWithinTarget: 0, gapThresholdSeconds: 0)
    }

    /// `origin → peer`.
    public var name: String { "\(origin) → \(peer)" }

    enum CodingKeys: String, CodingKey {
        case origin, peer, measured, resolution, approximate, samples, breaches, gaps, shipping, series
        case rpoTargetSeconds = "rpo_target_seconds", lagSeconds = "lag_seconds", lagRecords = "lag_records"
        case periodSeconds = "period_seconds", coveredSeconds = "covered_seconds", withinTargetSeconds = "within_target_seconds"
        case gapSeconds = "gap_seconds", shareWithinTarget = "share_within_target", gapThresholdSeconds = "gap_threshold_seconds"
    }
}
