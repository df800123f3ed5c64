import Foundation
import PostgresNIO
import RelayCore

/// Down-sampling of old lag samples (docs/compliance-report.md, "Retention"): the raw samples of
/// whole minutes before a cutoff become one `lag_minutes` row per pair and minute (samples, the
/// time they stand for, p50/p99/max of seconds and records, summed shipping counts), and the raw
/// rows are deleted in the same transaction. A crash (kill -9 included) leaves each minute either
/// raw or summarised, never both; running it again moves only what is still raw.
public struct LagRetentionStore: Sendable {
    /// Advisory lock taken by every down-sampling transaction, so two relay-drs on one database
    /// never summarise the same rows (the second finds them gone).
    static let lockKey: Int64 = 0x5245_4c41_594c_4147  // "RELAYLAG"

    let database: Database

    /// Creates a store on `database`.
    public init(database: Database) {
        self.database = database
    }

    /// Moves every raw sample older than `cutoff` (rounded down to a whole minute) into
    /// `lag_minutes`, one transaction per `chunkSeconds` of samples; returns the raw rows moved.
    /// `gapThresholdSeconds` caps the time one sample stands for (as in reports).
    @discardableResult
    public func downsample(before cutoff: Timestamp, gapThresholdSeconds: Double, chunkSeconds: Int64 = 3600) async throws -> Int64 {
        let minute: Int64 = 60_000_000
        let end = cutoff.microseconds - ((cutoff.microseconds % minute) + minute) % minute
        let chunk = max(1, chunkSeconds / 60) * minute
        var moved: Int64 = 0
        while true {
            let n = try await database.transaction("down-sample lag samples") { conn -> Int64 in
                try await conn.guardedQuery("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: database.logger)
                var first: Int64?
                for try await micros in try await conn.guardedQuery(
                    """
                    SELECT (extract(epoch FROM min(sampled_at)) * 1000000)::int8 FROM lag_samples
                    WHERE sampled_at < 'epoch'::timestamptz + \(end)::int8 * interval '1 microsecond'
                    """, logger: database.logger
                ).decode(Int64?.self) {
                    first = micros
                }
                guard let first else { return -1 }
                let start = first - ((first % minute) + minute) % minute
                let stop = min(start + chunk, end)
                return try await Self.move(from: start, to: stop, threshold: gapThresholdSeconds, conn: conn, logger: database.logger)
            }
            if n < 0 { return moved }
            moved += n
        }
    }

    /// Summarises and deletes the raw rows in `[from, to)` (whole minutes, microseconds).
    static func move(from: Int64, to: Int64, threshold: Double, conn: PostgresConnection, logger: Logger) async throws -> Int64 {
        try await conn.guardedQuery(
            """
            WITH bounds AS (
                SELECT 'epoch'::timestamptz + \(from)::int8 * interval '1 microsecond' AS a,
                       'epoch'::timestamptz + \(to)::int8 * interval '1 microsecond' AS b, \(threshold)::float8 AS thr
            ), s AS (
                -- Samples up to one threshold past the chunk, so its last sample knows its successor.
                SELECT l.*, least(extract(epoch FROM coalesce(lead(l.sampled_at) OVER (PARTITION BY l.origin, l.peer ORDER BY l.sampled_at),
                                                              l.sampled_at + bounds.thr * interval '1 second') - l.sampled_at)::float8,
                                  bounds.thr) AS cov
                FROM lag_samples l, bounds WHERE l.sampled_at >= bounds.a AND l.sampled_at < bounds.b + bounds.thr * interval '1 second'
            ), c AS (
                SELECT s.*, date_bin('1 minute', s.sampled_at, 'epoch'::timestamptz) AS m FROM s, bounds WHERE s.sampled_at < bounds.b
            ), r AS (
                SELECT origin, peer, m, jsonb_object_agg(key, n) AS refused FROM (
                    SELECT c.origin, c.peer, c.m, e.key, sum(e.value::int8) AS n FROM c, jsonb_each_text(c.batches_refused) e GROUP BY 1, 2, 3, 4
                ) x GROUP BY 1, 2, 3
            ), g AS (
                SELECT origin, peer, m, count(*)::int AS samples, sum(cov) AS covered,
                    percentile_disc(0.5) WITHIN GROUP (ORDER BY lag_seconds) AS p50s, percentile_disc(0.99) WITHIN GROUP (ORDER BY lag_seconds) AS p99s,
                    max(lag_seconds) AS maxs,
                    percentile_disc(0.5) WITHIN GROUP (ORDER BY lag_records) AS p50r, percentile_disc(0.99) WITHIN GROUP (ORDER BY lag_records) AS p99r,
                    max(lag_records) AS maxr, sum(batches_shipped)::int8 AS bs, sum(records_shipped)::int8 AS rs
                FROM c GROUP BY origin, peer, m
            )
            INSERT INTO lag_minutes AS old (origin, peer, minute, samples, covered_seconds, p50_seconds, p99_seconds, max_seconds,
                                            p50_records, p99_records, max_records, batches_shipped, records_shipped, batches_refused)
            SELECT g.origin, g.peer, g.m, g.samples, g.covered, g.p50s, g.p99s, g.maxs, g.p50r, g.p99r, g.maxr, g.bs, g.rs,
                   coalesce(r.refused, '{}'::jsonb)
            FROM g LEFT JOIN r USING (origin, peer, m)
            ON CONFLICT (origin, peer, minute) DO UPDATE SET
                -- Only when raw rows of a summarised minute appear later (never in normal operation):
                -- counts add up, extremes widen, the median of the larger part stays.
                samples = old.samples + EXCLUDED.samples,
                covered_seconds = least(old.covered_seconds + EXCLUDED.covered_seconds, 60),
                p50_seconds = CASE WHEN EXCLUDED.samples > old.samples THEN EXCLUDED.p50_seconds ELSE old.p50_seconds END,
                p50_records = CASE WHEN EXCLUDED.samples > old.samples THEN EXCLUDED.p50_records ELSE old.p50_records END,
                p99_seconds = greatest(old.p99_seconds, EXCLUDED.p99_seconds), p99_records = greatest(old.p99_records, EXCLUDED.p99_records),
                max_seconds = greatest(old.max_seconds, EXCLUDED.max_seconds), max_records = greatest(old.max_records, EXCLUDED.max_records),
                batches_shipped = old.batches_shipped + EXCLUDED.batches_shipped,
                records_shipped = old.records_shipped + EXCLUDED.records_shipped,
                batches_refused = (SELECT coalesce(jsonb_object_agg(key, n), '{}'::jsonb) FROM (
                    SELECT key, sum(value::int8) AS n FROM (
                        SELECT * FROM jsonb_each_text(old.batches_refused) UNION ALL SELECT * FROM jsonb_each_text(EXCLUDED.batches_refused)
                    ) u GROUP BY key) v)
            """, logger: logger)
        var deleted: Int64 = 0
        for try await n in try await conn.guardedQuery(
            """
            WITH d AS (
                DELETE FROM lag_samples
                WHERE sampled_at >= 'epoch'::timestamptz + \(from)::int8 * interval '1 microsecond'
                  AND sampled_at < 'epoch'::timestamptz + \(to)::int8 * interval '1 microsecond'
                RETURNING 1)
            SELECT count(*)::int8 FROM d
            """, logger: logger
        ).decode(Int64.self) {
            deleted = n
        }
        return deleted
    }
}
