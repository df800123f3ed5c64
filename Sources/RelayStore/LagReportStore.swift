import Foundation
import PostgresNIO
import RelayCore
import Synchronization

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

    }

    let database: Database

    /// Creates a store on `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Every pair of `query.origin` towards `query.peers` (plus any other peer with samples in
    /// the period), in peer order. Pairs are computed two at a time on two connections that share
    /// one snapshot (`pg_export_snapshot`), so a down-sampling committing meanwhile cannot move
    /// rows between them, and a month of samples is read once per pair.
    public func pairs(_ query: Query) async throws -> [PairCompliance] {
        try await database.transaction("aggregate the lag samples of \(query.origin)", isolation: "REPEATABLE READ READ ONLY") { conn in
            try await Self.prepare(conn, logger: database.logger)
            var exported = ""
            for try await id in try await conn.guardedQuery("SELECT pg_export_snapshot()", logger: database.logger).decode(String.self) {
                exported = id
            }
            let snapshot = "'" + exported.filter { $0.isHexDigit || $0 == "-" } + "'"
            let database = self.database
            let peers = Set(query.peers).union(try await Self.peersWithSamples(query, conn: conn, logger: database.logger)).sorted()
            let work = PairWork(peers)
            let logger = database.logger
            let worker: @Sendable (PostgresConnection) async throws -> Void = { conn in
                while let peer = work.next() {
                    work.done(try await Self.pair(query, peer: peer, conn: conn, logger: logger))
                }
            }
            // Children hand results over through the lock (no values returned from the group).
            try await withThrowingTaskGroup(of: Void.self) { group in
                // A pool of one connection has none to spare: then one connection does every pair.
                if database.configuration.maxConnections >= 2, peers.count > 1 { group.addTask {
                    try await database.transaction("aggregate the lag samples of \(query.origin) (second connection)", isolation: "REPEATABLE READ READ ONLY") { other in
                        try await other.guardedQuery("SET TRANSACTION SNAPSHOT \(unescaped: snapshot)", logger: database.logger)
                        try await Self.prepare(other, logger: database.logger)
                        try await worker(other)
                    }
                } }
                try await worker(conn)
                try await group.waitForAll()
            }
            let all = work.results
            let asked = Set(query.peers)
            return peers.compactMap { all[$0] }.filter { asked.contains($0.peer) || $0.samples > 0 }
        }
    }

    /// Room to sort a pair's month of samples in memory; no JIT (its compile time exceeds its gain here).
    static func prepare(_ conn: PostgresConnection, logger: Logger) async throws {
        try await conn.guardedQuery("SET LOCAL work_mem = '64MB'", logger: logger)
        try await conn.guardedQuery("SET LOCAL jit = off", logger: logger)
    }

    /// The peers `query.origin` ever sampled (a loose index scan: one probe per peer).
    static func peersWithSamples(_ q: Query, conn: PostgresConnection, logger: Logger) async throws -> [String] {
        var out: [String] = []
        for try await peer in try await conn.guardedQuery(
            """
            WITH RECURSIVE p AS (
                SELECT (SELECT min(peer) FROM lag_samples WHERE origin = \(q.origin)) AS peer
                UNION ALL
                SELECT (SELECT min(peer) FROM lag_samples WHERE origin = \(q.origin) AND peer > p.peer) FROM p WHERE p.peer IS NOT NULL
            ) SELECT peer FROM p WHERE peer IS NOT NULL
            """, logger: logger
        ).decode(String.self) {
            out.append(peer)
        }
        return out
    }

    // MARK: - One pair: one pass over its rows

    /// A pair's rows of the period in time order — raw samples (points) and minute rows — each
    /// with its time relative to the period's start (`r`, and `rf` where it ends: a sample is a
    /// point, a minute its minute), the lag it is judged by (a minute: its max) and the time it
    /// stands for; then, from that one pass: per chart bucket the max, covered and within-target
    /// time and the gaps; per breach run its extent and peak; the figures; the refusals.
    static func pairSQL(_ q: Query, peer: String) -> PostgresQuery {
        let f = q.period.from.iso8601
        let t = q.period.to.iso8601
        let span = q.period.seconds
        let buckets = Double(max(1, q.seriesPoints))
        return """
            WITH items AS (
                SELECT s.sampled_at AS at, date_part('epoch', s.sampled_at - \(f)::timestamptz) AS r,
                       date_part('epoch', s.sampled_at - \(f)::timestamptz) AS rf, s.lag_seconds AS hi_s, s.lag_records::float8 AS hi_r,
                       1::int8 AS n, NULL::float8 AS cov, s.batches_shipped AS bs, s.records_shipped AS rs,
                       NULLIF(s.batches_refused, '{}'::jsonb) AS refused
                FROM lag_samples s
                WHERE s.origin = \(q.origin) AND s.peer = \(peer) AND s.sampled_at >= \(f)::timestamptz AND s.sampled_at < \(t)::timestamptz
                UNION ALL
                SELECT m.minute, date_part('epoch', m.minute - \(f)::timestamptz),
                       date_part('epoch', least(m.minute + interval '1 minute', \(t)::timestamptz) - \(f)::timestamptz),
                       m.max_seconds, m.max_records::float8, m.samples::int8, m.covered_seconds, m.batches_shipped, m.records_shipped,
                       NULLIF(m.batches_refused, '{}'::jsonb)
                FROM lag_minutes m
                WHERE m.origin = \(q.origin) AND m.peer = \(peer) AND m.minute >= \(f)::timestamptz AND m.minute < \(t)::timestamptz
            ), seq AS (
                SELECT i.*, lead(r) OVER w AS next_r, lag(rf) OVER w AS prev_rf, lag(hi_s) OVER w AS prev_hi_s
                FROM items i WINDOW w AS (ORDER BY at)
            ), step AS MATERIALIZED (
                SELECT r, rf, hi_s, hi_r, n, next_r, prev_rf, cov IS NOT NULL AS minute, bs, rs, refused,
                    coalesce(next_r, \(span)::float8) - rf > \(q.gapThresholdSeconds)::float8 AS gap_after,
                    CASE WHEN cov IS NOT NULL THEN least(cov, rf - r)
                         ELSE least(coalesce(next_r, \(span)::float8) - r, \(q.gapThresholdSeconds)::float8) END AS covered,
                    hi_s > \(q.rpoTargetSeconds)::float8 AS breaching,
                    hi_s > \(q.rpoTargetSeconds)::float8 AND (prev_rf IS NULL OR prev_hi_s <= \(q.rpoTargetSeconds)::float8
                        OR r - prev_rf > \(q.gapThresholdSeconds)::float8) AS starts_run
                FROM seq
            )
            SELECT 'bucket' AS kind, floor(r * \(buckets)::float8 / \(span)::float8)::int8 AS k, max(hi_s) AS x, sum(covered) AS y,
                coalesce(sum(covered) FILTER (WHERE NOT breaching), 0) AS z, min(r) FILTER (WHERE prev_rf IS NULL) AS a, NULL::float8 AS b,
                NULL::int8 AS c, NULL::text AS e, array_agg(rf) FILTER (WHERE gap_after) AS gs,
                array_agg(coalesce(next_r, \(span)::float8)) FILTER (WHERE gap_after) AS ge, NULL::float8[] AS ps, NULL::float8[] AS pr
            FROM step GROUP BY 2
            UNION ALL
            SELECT 'run', run, max(hi_s), max(hi_r), NULL, min(r), max(endr) FILTER (WHERE ends), sum(n)::int8,
                max(ended) FILTER (WHERE ends), NULL, NULL, NULL, NULL
            FROM (
                SELECT b.r, b.hi_s, b.hi_r, b.n, sum(b.starts_run::int) OVER o AS run,
                    NOT coalesce(lead(NOT b.starts_run) OVER o, false) AS ends,
                    CASE WHEN b.next_r IS NOT NULL AND NOT b.gap_after THEN b.next_r WHEN b.minute THEN b.rf ELSE b.r + b.covered END AS endr,
                    CASE WHEN b.next_r IS NOT NULL AND NOT b.gap_after THEN 'recovered' WHEN b.gap_after THEN 'gap' ELSE 'period_end' END AS ended
                FROM step b WHERE b.breaching WINDOW o AS (ORDER BY b.r)
            ) runs GROUP BY run
            UNION ALL
            SELECT 'figures', count(*) FILTER (WHERE NOT minute), max(hi_s), max(hi_r), coalesce(sum(n) FILTER (WHERE minute), 0)::float8,
                coalesce(sum(bs), 0)::float8, coalesce(sum(rs), 0)::float8, NULL, NULL, NULL, NULL,
                percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY hi_s) FILTER (WHERE NOT minute),
                percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY hi_r) FILTER (WHERE NOT minute)
            FROM step
            UNION ALL
            SELECT 'refused', sum(e.value::int8)::int8, NULL, NULL, NULL, NULL, NULL, NULL, e.key, NULL, NULL, NULL, NULL
            FROM step, jsonb_each_text(step.refused) e WHERE step.refused IS NOT NULL GROUP BY e.key
            """
    }

    /// One pair's figures.
    static func pair(_ q: Query, peer: String, conn: PostgresConnection, logger: Logger) async throws -> PairCompliance {
        let from = q.period.from
        func at(_ seconds: Double) -> Timestamp { from.adding(microseconds: Int64((seconds * 1e6).rounded())) }
        var covered = 0.0
        var within = 0.0
        var gaps: [SamplingGap] = []
        var breaches: [LagBreach] = []
        var series: [LagPoint] = []
        var firstR: Double?
        var raw: Int64 = 0
        var minuteSamples: Int64 = 0
        var seconds = LagFigures.none
        var records = LagFigures.none
        var shipped = ShippingTally()
        let rows = try await conn.guardedQuery(pairSQL(q, peer: peer), logger: logger)
        for try await (kind, k, x, y, z, a, b, c, e, gs, ge, ps, pr) in rows.decode(
            (String, Int64?, Double?, Double?, Double?, Double?, Double?, Int64?, String?, [Double]?, [Double]?, [Double]?, [Double]?).self)
        {
            switch kind {
            case "bucket":
                covered += y ?? 0
                within += z ?? 0
                if let a { firstR = a }
                for (start, end) in zip(gs ?? [], ge ?? []) {
                    gaps.append(SamplingGap(start: at(start), end: at(end), durationSeconds: Double(at(end).microseconds - at(start).microseconds) / 1e6))
                }
                if let k, let x {
                    let bucket = Int64((Double(k) * q.period.seconds / Double(max(1, q.seriesPoints)) * 1e6).rounded(.down))
                    series.append(LagPoint(at: from.adding(microseconds: bucket), maxSeconds: x))
                }
            case "run":
                let start = at(a ?? 0)
                let end = at(b ?? a ?? 0)
                breaches.append(
                    LagBreach(
                        start: start, end: end, endedBy: LagBreach.Ending(rawValue: e ?? "") ?? .periodEnd,
                        durationSeconds: Double(end.microseconds - start.microseconds) / 1e6, peakSeconds: x ?? 0, peakRecords: Int64(y ?? 0),
                        samples: c ?? 0))
            case "figures":
                raw = k ?? 0
                minuteSamples = Int64(z ?? 0)
                if raw > 0, let ps, let pr, ps.count == 3, pr.count == 3 {
                    seconds = LagFigures(p50: ps[0], p95: ps[1], p99: ps[2], max: x)
                    records = LagFigures(p50: pr[0], p95: pr[1], p99: pr[2], max: y)
                } else {
                    seconds.max = x
                    records.max = y
                }
                shipped.batchesShipped = Int64(a ?? 0)
                shipped.recordsShipped = Int64(b ?? 0)
            default:
                if let e { shipped.batchesRefused[e] = k ?? 0 }
            }
        }
        if let firstR, firstR > q.gapThresholdSeconds {
            gaps.append(SamplingGap(start: from, end: at(firstR), durationSeconds: Double(at(firstR).microseconds - from.microseconds) / 1e6))
        }
        if minuteSamples > 0 {
            let weighted = try await Self.weightedPercentiles(q, peer: peer, conn: conn, logger: logger)
            seconds = LagFigures(p50: weighted.seconds.p50, p95: weighted.seconds.p95, p99: weighted.seconds.p99, max: seconds.max)
            records = LagFigures(p50: weighted.records.p50, p95: weighted.records.p95, p99: weighted.records.p99, max: records.max)
        }
        let period = q.period.seconds
        let resolution: PairCompliance.Resolution =
            switch (raw > 0, minuteSamples > 0) {
            case (true, true): .mixed
            case (false, true): .minute
            case (true, false): .raw
            case (false, false): .none
            }
        if resolution == .none, period > 0 {
            gaps = [SamplingGap(start: q.period.from, end: q.period.to, durationSeconds: period)]
        }
        covered = min(covered, period)
        within = min(within, covered)
        return PairCompliance(
            origin: q.origin, peer: peer, rpoTargetSeconds: q.rpoTargetSeconds, resolution: resolution, approximate: minuteSamples > 0,
            samples: raw + minuteSamples, lagSeconds: seconds, lagRecords: records, periodSeconds: period, coveredSeconds: covered,
            withinTargetSeconds: within, gapSeconds: max(0, period - covered), shareWithinTarget: period > 0 ? within / period : 0,
            gapThresholdSeconds: q.gapThresholdSeconds, breaches: breaches.sorted { $0.start < $1.start }, gaps: gaps.sorted { $0.start < $1.start },
            shipping: shipped, series: series.sorted { $0.at < $1.at })
    }

    /// Where minutes are involved: percentiles weighted by samples over the raw values and the
    /// minutes' figures (p50 from their p50, p95/p99 from their p99): approximate.
    static func weightedPercentiles(_ q: Query, peer: String, conn: PostgresConnection, logger: Logger) async throws -> (seconds: LagFigures, records: LagFigures) {
        let f = q.period.from.iso8601
        let t = q.period.to.iso8601
        var out = (seconds: LagFigures.none, records: LagFigures.none)
        // One sort and one pass per measure (p95 and p99 share theirs).
        for try await (s50, s9x, r50, r9x) in try await conn.guardedQuery(
            """
            WITH v AS MATERIALIZED (
                SELECT lag_seconds AS a, lag_seconds AS b, lag_records::float8 AS c, lag_records::float8 AS d, 1::int8 AS w FROM lag_samples
                WHERE origin = \(q.origin) AND peer = \(peer) AND sampled_at >= \(f)::timestamptz AND sampled_at < \(t)::timestamptz
                UNION ALL
                SELECT p50_seconds, p99_seconds, p50_records::float8, p99_records::float8, samples::int8 FROM lag_minutes
                WHERE origin = \(q.origin) AND peer = \(peer) AND minute >= \(f)::timestamptz AND minute < \(t)::timestamptz
            ), tw AS (SELECT sum(w)::float8 AS total FROM v)
            SELECT
                (SELECT min(val) FILTER (WHERE cw >= 0.5 * total)
                 FROM (SELECT a AS val, sum(w) OVER (ORDER BY a ROWS UNBOUNDED PRECEDING) AS cw FROM v) x, tw),
                (SELECT ARRAY[min(val) FILTER (WHERE cw >= 0.95 * total), min(val) FILTER (WHERE cw >= 0.99 * total)]
                 FROM (SELECT b AS val, sum(w) OVER (ORDER BY b ROWS UNBOUNDED PRECEDING) AS cw FROM v) x, tw),
                (SELECT min(val) FILTER (WHERE cw >= 0.5 * total)
                 FROM (SELECT c AS val, sum(w) OVER (ORDER BY c ROWS UNBOUNDED PRECEDING) AS cw FROM v) x, tw),
                (SELECT ARRAY[min(val) FILTER (WHERE cw >= 0.95 * total), min(val) FILTER (WHERE cw >= 0.99 * total)]
                 FROM (SELECT d AS val, sum(w) OVER (ORDER BY d ROWS UNBOUNDED PRECEDING) AS cw FROM v) x, tw)
            """, logger: logger
        ).decode((Double?, [Double]?, Double?, [Double]?).self) {
            out = (
                LagFigures(p50: s50, p95: s9x?.first, p99: s9x?.last),
                LagFigures(p50: r50, p95: r9x?.first, p99: r9x?.last)
            )
        }
        return out
    }
}

/// The pairs still to compute and those computed, shared by the two connections' workers.
private final class PairWork: Sendable {
    private let queue: Mutex<[String]>
    private let computed = Mutex<[String: PairCompliance]>([:])

    init(_ peers: [String]) {
        queue = Mutex(peers)
    }

    /// The next peer to compute, nil when none is left.
    func next() -> String? {
        queue.withLock { $0.isEmpty ? nil : $0.removeFirst() }
    }

    func done(_ pair: PairCompliance) {
        computed.withLock { $0[pair.peer] = pair }
    }

    var results: [String: PairCompliance] { computed.withLock { $0 } }
}
