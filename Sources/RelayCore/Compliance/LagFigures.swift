/// Percentiles and maximum of one lag measure (seconds or records) over a pair's samples.
///
/// Percentiles are nearest-rank (`percentile_disc`): each is one of the sampled values. Absent
/// (nil) when there was no sample. Over down-sampled (per-minute) history they are approximate
/// (`PairCompliance.approximate`).
public struct LagFigures: Sendable, Equatable, Codable {
    public var p50: Double?
    public var p95: Double?
    public var p99: Double?
    public var max: Double?

    /// Creates figures.
    public init(p50: Double? = nil, p95: Double? = nil, p99: Double? = nil, max: Double? = nil) {
        self.p50 = p50
        self.p95 = p95
        self.p99 = p99
        self.max = max
    }

    /// No sample.
    public static let none = LagFigures()
}
