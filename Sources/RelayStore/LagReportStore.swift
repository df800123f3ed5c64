import Foundation
import PostgresNIO
import RelayCore

/// The compliance figures of an origin's pairs over a period, aggregated inside PostgreSQL from
/// `lag_samples` (raw) and `lag_minutes` (down-sampled history): only figures, intervals and a
/// chart series of at most `seriesPoints` points leave the database, whatever the number of
/// samples (docs/compliance-report.md says what each figure means).
public struct LagReportStore: Sendable {
    /// What a report asks of one origin.
    public struct Query: Sendable {
        public var origin: String
        public var peers: [String]
        public var period: ReportPeriod
        /// The origin's RPO target: a sample above it is a breach.
        public var rpoTargetSeconds: Double
        /// A span between samples longer than this is a gap (3 × the sample interval by default).
        public var gapThresholdSeconds: Double
        /// Largest number of chart points per pair.
        public var seriesPoints: Int

        /// Creates a query.
        public init(origin: String, peers: [String], period: ReportPeriod, rpoTargetSeconds: Double, gapThresholdSeconds: Double, seriesPoints: Int = 300) {
            self.origin = origin
            self.peers = peers
            self.period = period
            self.rpoTargetSeconds = rpoTargetSeconds
            self.gapThresholdSeconds = gapThresholdSeconds
            self.seriesPoints = seriesPoints
        }

        /// Chart bucket width in microseconds (at least one second).
        var bucketMicros: Int64 {
            let span = max(0, period.to.microseconds - period.from.microseconds)
            return max(1_000_000, (span + Int64(max(1, seriesPoints)) - 1) / Int64(max(1, seriesPoints)))
        }
    }

    let database: Database

    /// Creates a store on `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Every pair of `query.origin` towards `query.peers` (plus any other peer with samples in
    /// the period), in peer order.
    public func pairs(_ query: Query) async throws -> [PairCompliance] {
        // One snapshot for every query (a down-sampling committing meanwhile would otherwise move
        // rows between them), with room to sort a month of samples in memory.
        try await database.transaction("aggregate the lag samples of \(query.origin)", isolation: "REPEATABLE READ READ ONLY") { conn in
            try await conn.guardedQuery("SET LOCAL work_mem = '64MB'", logger: database.logger)
            let timeline = try await Self.timeline(query, conn: conn, logger: database.logger)
            let figures = try await Self.figures(query, conn: conn, logger: database.logger)
            let refused = try await Self.refused(query, conn: conn, logger: database.logger)
            let peers = Set(query.peers).union(timeline.keys).union(figures.keys).sorted()
            return peers.map { peer in
                Self.pair(query, peer: peer, timeline: timeline[peer] ?? Timeline(), figures: figures[peer] ?? Figures(), refused: refused[peer] ?? [:])
            }
        }
    }

    // MARK: - Timeline: coverage, gaps, breaches, chart series

    struct Timeline {
        var covered = 0.0
        var within = 0.0
        var gaps: [SamplingGap] = []
        var breaches: [LagBreach] = []
        var series: [LagPoint] = []
    }

    /// The rows every timeline query starts from: raw samples and minute rows of the period, each
    /// with its start (`at`), its end (`fin`: a sample is a point, a minute its minute), the lag it
    /// is judged by (a minute: its max), and the time it stands for.
    static func timelineSQL(_ q: Query) -> PostgresQuery {
        """
        WITH p AS (
            SELECT 'epoch'::timestamptz + \(q.period.from.microseconds)::int8 * interval '1 microsecond' AS f,
                   'epoch'::timestamptz + \(q.period.to.microseconds)::int8 * interval '1 microsecond' AS t,
                   \(q.gapThresholdSeconds)::float8 AS thr, \(q.rpoTargetSeconds)::float8 AS target, \(q.bucketMicros)::int8 AS width
        ), items AS (
            SELECT s.peer, s.sampled_at AS at, s.sampled_at AS fin, s.lag_seconds AS hi_s, s.lag_records AS hi_r, 1::int8 AS n,
                   NULL::float8 AS cov, false AS minute
            FROM lag_samples s, p WHERE s.origin = \(q.origin) AND s.sampled_at >= p.f AND s.sampled_at < p.t
            UNION ALL
            SELECT m.peer, m.minute, least(m.minute + interval '1 minute', p.t), m.max_seconds, m.max_records, m.samples::int8,
                   m.covered_seconds, true
            FROM lag_minutes m, p WHERE m.origin = \(q.origin) AND m.minute >= p.f AND m.minute < p.t
        ), seq AS (
            SELECT i.*, lead(at) OVER w AS next_at, lag(fin) OVER w AS prev_fin, lag(hi_s) OVER w AS prev_hi_s
            FROM items i WINDOW w AS (PARTITION BY peer ORDER BY at)
        ), step AS (
            SELECT seq.*,
                extract(epoch FROM coalesce(next_at, p.t) - fin)::float8 > p.thr AS gap_after,
                extract(epoch FROM at - coalesce(prev_fin, p.f))::float8 > p.thr AS gap_before,
                CASE WHEN minute THEN least(cov, extract(epoch FROM fin - at)::float8)
                     ELSE least(extract(epoch FROM coalesce(next_at, p.t) - at)::float8, p.thr) END AS covered,
                hi_s > p.target AS breaching,
                coalesce(prev_hi_s > p.target, false) AS prev_breaching
            FROM seq, p
        ), isl AS (
            SELECT step.*,
                sum(CASE WHEN breaching AND (gap_before OR NOT prev_breaching) THEN 1 ELSE 0 END) OVER (PARTITION BY peer ORDER BY at) AS island,
                CASE WHEN next_at IS NOT NULL AND NOT gap_after THEN 'recovered' WHEN gap_after THEN 'gap' ELSE 'period_end' END AS ended_by,
                CASE WHEN next_at IS NOT NULL AND NOT gap_after THEN next_at
                     WHEN minute THEN fin ELSE at + covered * interval '1 second' END AS b_end
            FROM step
        )
        SELECT 'total' AS kind, peer, NULL::int8 AS a, NULL::int8 AS b, sum(covered) AS x,
               coalesce(sum(covered) FILTER (WHERE NOT breaching), 0) AS y, NULL::int8 AS n, NULL::text AS z
        FROM isl GROUP BY peer
        UNION ALL
        SELECT 'gap', peer, \(unescaped: SQL.micros("fin", as: "a")), \(unescaped: SQL.micros("coalesce(next_at, p.t)", as: "b")), NULL, NULL, NULL, NULL
        FROM isl, p WHERE gap_after
        UNION ALL
        SELECT 'gap', peer, \(unescaped: SQL.micros("p.f", as: "a")), \(unescaped: SQL.micros("at", as: "b")), NULL, NULL, NULL, NULL
        FROM isl, p WHERE prev_fin IS NULL AND gap_before
        UNION ALL
        SELECT 'breach', peer, \(unescaped: SQL.micros("min(at)", as: "a")),
               \(unescaped: SQL.micros("(array_agg(b_end ORDER BY at DESC))[1]", as: "b")), max(hi_s), max(hi_r)::float8, sum(n)::int8,
               (array_agg(ended_by ORDER BY at DESC))[1]
        FROM isl WHERE breaching GROUP BY peer, island
        UNION ALL
        SELECT 'point', peer, (extract(epoch FROM at - p.f) * 1000000)::int8 / p.width, NULL, max(hi_s), NULL, NULL, NULL
        FROM isl, p GROUP BY peer, 3
        """
    }

    static func timeline(_ q: Query, conn: PostgresConnection, logger: Logger) async throws -> [String: Timeline] {
        var out: [String: Timeline] = [:]
        let rows = try await conn.guardedQuery(timelineSQL(q), logger: logger)
        for try await (kind, peer, a, b, x, y, n, z) in rows.decode((String, String, Int64?, Int64?, Double?, Double?, Int64?, String?).self) {
            var t = out[peer] ?? Timeline()
            switch kind {
            case "total":
                t.covered = x ?? 0
                t.within = y ?? 0
            case "gap":
                let start = Timestamp(microseconds: a ?? 0)
                let end = Timestamp(microseconds: b ?? 0)
                t.gaps.append(SamplingGap(start: start, end: end, durationSeconds: Double(end.microseconds - start.microseconds) / 1e6))
            case "breach":
                let start = Timestamp(microseconds: a ?? 0)
                let end = Timestamp(microseconds: b ?? 0)
                t.breaches.append(
                    LagBreach(
                        start: start, end: end, endedBy: LagBreach.Ending(rawValue: z ?? "") ?? .periodEnd,
                        durationSeconds: Double(end.microseconds - start.microseconds) / 1e6, peakSeconds: x ?? 0,
                        peakRecords: Int64(y ?? 0), samples: n ?? 0))
            default:
                t.series.append(LagPoint(at: q.period.from.adding(microseconds: (a ?? 0) * q.bucketMicros), maxSeconds: x ?? 0))
            }
            out[peer] = t
        }
        for key in out.keys {
            out[key]?.gaps.sort { $0.start < $1.start }
            out[key]?.breaches.sort { $0.start < $1.start }
            out[key]?.series.sort { $0.at < $1.at }
        }
        return out
    }

    // MARK: - Figures: counts, percentiles, maxima, shipped

    struct Figures {
        var rawSamples: Int64 = 0
        var minuteSamples: Int64 = 0
        var seconds = LagFigures.none
        var records = LagFigures.none
        var batchesShipped: Int64 = 0
        var recordsShipped: Int64 = 0
    }

    static func figures(_ q: Query, conn: PostgresConnection, logger: Logger) async throws -> [String: Figures] {
        var out: [String: Figures] = [:]
        let f = q.period.from.microseconds
        let t = q.period.to.microseconds
        // Raw samples: exact nearest-rank percentiles.
        for try await (peer, count, ps, maxS, pr, maxR, batches, records) in try await conn.guardedQuery(
            """
            SELECT peer, count(*)::int8,
                   percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY lag_seconds), max(lag_seconds),
                   percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY lag_records), max(lag_records),
                   sum(batches_shipped)::int8, sum(records_shipped)::int8
            FROM lag_samples
            WHERE origin = \(q.origin) AND sampled_at >= 'epoch'::timestamptz + \(f)::int8 * interval '1 microsecond'
              AND sampled_at < 'epoch'::timestamptz + \(t)::int8 * interval '1 microsecond'
            GROUP BY peer
            """, logger: logger
        ).decode((String, Int64, [Double], Double, [Int64], Int64, Int64, Int64).self) {
            out[peer] = Figures(
                rawSamples: count, seconds: LagFigures(p50: ps[0], p95: ps[1], p99: ps[2], max: maxS),
                records: LagFigures(p50: Double(pr[0]), p95: Double(pr[1]), p99: Double(pr[2]), max: Double(maxR)),
                batchesShipped: batches, recordsShipped: records)
        }
        // Down-sampled minutes: counts, maxima, shipped.
        var minutePeers: Set<String> = []
        for try await (peer, samples, maxS, maxR, batches, records) in try await conn.guardedQuery(
            """
            SELECT peer, sum(samples)::int8, max(max_seconds), max(max_records), sum(batches_shipped)::int8, sum(records_shipped)::int8
            FROM lag_minutes
            WHERE origin = \(q.origin) AND minute >= 'epoch'::timestamptz + \(f)::int8 * interval '1 microsecond'
              AND minute < 'epoch'::timestamptz + \(t)::int8 * interval '1 microsecond'
            GROUP BY peer
            """, logger: logger
        ).decode((String, Int64, Double, Int64, Int64, Int64).self) {
            minutePeers.insert(peer)
            var fig = out[peer] ?? Figures()
            fig.minuteSamples = samples
            fig.seconds.max = Swift.max(fig.seconds.max ?? maxS, maxS)
            fig.records.max = Swift.max(fig.records.max ?? Double(maxR), Double(maxR))
            fig.batchesShipped += batches
            fig.recordsShipped += records
            out[peer] = fig
        }
        guard !minutePeers.isEmpty else { return out }
        // Where minutes are involved: percentiles weighted by samples over the raw values and the
        // minutes' figures (p50 from their p50, p95/p99 from their p99): approximate.
        for try await (peer, s50, s95, s99, r50, r95, r99) in try await conn.guardedQuery(
            """
            WITH v AS (
                SELECT peer, lag_seconds AS a, lag_seconds AS b, lag_records AS c, lag_records AS d, 1::int8 AS w FROM lag_samples
                WHERE origin = \(q.origin) AND sampled_at >= 'epoch'::timestamptz + \(f)::int8 * interval '1 microsecond'
                  AND sampled_at < 'epoch'::timestamptz + \(t)::int8 * interval '1 microsecond' AND peer = ANY(\(Array(minutePeers)))
                UNION ALL
                SELECT peer, p50_seconds, p99_seconds, p50_records, p99_records, samples::int8 FROM lag_minutes
                WHERE origin = \(q.origin) AND minute >= 'epoch'::timestamptz + \(f)::int8 * interval '1 microsecond'
                  AND minute < 'epoch'::timestamptz + \(t)::int8 * interval '1 microsecond'
            ), tw AS (SELECT peer, sum(w)::float8 AS total FROM v GROUP BY peer),
            ca AS (SELECT peer, a AS val, sum(w) OVER (PARTITION BY peer ORDER BY a ROWS UNBOUNDED PRECEDING) AS cw FROM v),
            cb AS (SELECT peer, b AS val, sum(w) OVER (PARTITION BY peer ORDER BY b ROWS UNBOUNDED PRECEDING) AS cw FROM v),
            cc AS (SELECT peer, c AS val, sum(w) OVER (PARTITION BY peer ORDER BY c ROWS UNBOUNDED PRECEDING) AS cw FROM v),
            cd AS (SELECT peer, d AS val, sum(w) OVER (PARTITION BY peer ORDER BY d ROWS UNBOUNDED PRECEDING) AS cw FROM v)
            SELECT tw.peer,
                (SELECT min(val) FROM ca WHERE ca.peer = tw.peer AND ca.cw >= 0.5 * tw.total),
                (SELECT min(val) FROM cb WHERE cb.peer = tw.peer AND cb.cw >= 0.95 * tw.total),
                (SELECT min(val) FROM cb WHERE cb.peer = tw.peer AND cb.cw >= 0.99 * tw.total),
                (SELECT min(val) FROM cc WHERE cc.peer = tw.peer AND cc.cw >= 0.5 * tw.total),
                (SELECT min(val) FROM cd WHERE cd.peer = tw.peer AND cd.cw >= 0.95 * tw.total),
                (SELECT min(val) FROM cd WHERE cd.peer = tw.peer AND cd.cw >= 0.99 * tw.total)
            FROM tw
            """, logger: logger
        ).decode((String, Double?, Double?, Double?, Int64?, Int64?, Int64?).self) {
            var fig = out[peer] ?? Figures()
            fig.seconds = LagFigures(p50: s50, p95: s95, p99: s99, max: fig.seconds.max)
            fig.records = LagFigures(p50: r50.map(Double.init), p95: r95.map(Double.init), p99: r99.map(Double.init), max: fig.records.max)
            out[peer] = fig
        }
        return out
    }

    static func refused(_ q: Query, conn: PostgresConnection, logger: Logger) async throws -> [String: [String: Int64]] {
        let f = q.period.from.microseconds
        let t = q.period.to.microseconds
        var out: [String: [String: Int64]] = [:]
        for try await (peer, reason, count) in try await conn.guardedQuery(
            """
            SELECT x.peer, e.key, sum(e.value::int8)::int8 FROM (
                SELECT peer, batches_refused FROM lag_samples
                WHERE origin = \(q.origin) AND sampled_at >= 'epoch'::timestamptz + \(f)::int8 * interval '1 microsecond'
                  AND sampled_at < 'epoch'::timestamptz + \(t)::int8 * interval '1 microsecond' AND batches_refused <> '{}'::jsonb
                UNION ALL
                SELECT peer, batches_refused FROM lag_minutes
                WHERE origin = \(q.origin) AND minute >= 'epoch'::timestamptz + \(f)::int8 * interval '1 microsecond'
                  AND minute < 'epoch'::timestamptz + \(t)::int8 * interval '1 microsecond' AND batches_refused <> '{}'::jsonb
            ) x, jsonb_each_text(x.batches_refused) e
            GROUP BY x.peer, e.key
            """, logger: logger
        ).decode((String, String, Int64).self) {
            out[peer, default: [:]][reason] = count
        }
        return out
    }

    // MARK: - One pair

    static func pair(_ q: Query, peer: String, timeline t: Timeline, figures fig: Figures, refused: [String: Int64]) -> PairCompliance {
        let period = q.period.seconds
        let resolution: PairCompliance.Resolution =
            switch (fig.rawSamples > 0, fig.minuteSamples > 0) {
            case (true, true): .mixed
            case (false, true): .minute
            case (true, false): .raw
            case (false, false): .none
            }
        var gaps = t.gaps
        if resolution == .none, period > 0 {
            gaps = [SamplingGap(start: q.period.from, end: q.period.to, durationSeconds: period)]
        }
        let covered = min(t.covered, period)
        return PairCompliance(
            origin: q.origin, peer: peer, rpoTargetSeconds: q.rpoTargetSeconds, resolution: resolution, approximate: fig.minuteSamples > 0,
            samples: fig.rawSamples + fig.minuteSamples, lagSeconds: fig.seconds, lagRecords: fig.records, periodSeconds: period,
            coveredSeconds: covered, withinTargetSeconds: min(t.within, covered), gapSeconds: max(0, period - covered),
            shareWithinTarget: period > 0 ? min(t.within, covered) / period : 0, gapThresholdSeconds: q.gapThresholdSeconds,
            breaches: t.breaches, gaps: gaps,
            shipping: ShippingTally(batchesShipped: fig.batchesShipped, recordsShipped: fig.recordsShipped, batchesRefused: refused),
            series: t.series)
    }
}
