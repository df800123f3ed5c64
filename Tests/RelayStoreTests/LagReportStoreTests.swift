import Foundation
import Logging
import RelayCore
import RelayLocal
@testable import RelayStore
import Testing

/// The compliance figures computed in SQL against the same figures computed here, plainly, from
/// the same synthetic samples: percentiles, share within target, breaches, gaps, shipping, the
/// down-sampled history, and the retention that makes it.
struct LagReportStoreTests {
    static let logger = { var l = Logger(label: "lag-report-test"); l.logLevel = .warning; return l }()
    /// 2026-01-01T00:00:00Z: raw samples stay from here, older ones are down-sampled.
    static let t0: Int64 = 1_767_225_600
    static let target = 5.0
    static let threshold = 15.0

    /// One synthetic sample (time in seconds relative to `t0`).
    struct Sample {
        var peer: String
        var t: Double
        var seconds: Double
        var records: Int64
        var batches: Int64
        var shipped: Int64
        var refused: [String: Int64]
    }

    /// Two hours of 5 s samples for a → b (with breaches, a gap in each hour, a breach running
    /// into a gap and one running to the end), and one hour with a 40 s gap for a → c.
    static func samples() -> [Sample] {
        var out: [Sample] = []
        for i in 0..<1440 {
            let t = -3600 + Double(i) * 5
            if (-1500.0..<(-1300.0)).contains(t) || (1005.0..<1100.0).contains(t) { continue }  // gaps
            var s = 0.5 + Double((i * 37) % 23) / 10
            if (-2000.0...(-1950.0)).contains(t) || (500.0...560.0).contains(t) || (980.0...1000.0).contains(t) || t >= 3580 {
                s = 6 + Double(i % 5)  // breaches
            }
            if t == 2000 { s = 5 }  // at the target: within
            out.append(
                Sample(
                    peer: "b", t: t, seconds: s, records: Int64(s * 100), batches: Int64(i % 3), shipped: Int64(i % 3) * 40,
                    refused: i % 50 == 0 ? ["busy": 1] : (i % 97 == 0 ? ["unreachable": 2, "gap": 1] : [:])))
        }
        for i in 0..<720 {
            let t = Double(i) * 5 + 2.5
            if (2000.0..<2040.0).contains(t) { continue }
            out.append(Sample(peer: "c", t: t, seconds: 0.1 * Double(i % 7), records: Int64(i % 7), batches: 1, shipped: 10, refused: [:]))
        }
        return out
    }

    func withSamples<T: Sendable>(_ body: @Sendable (Database) async throws -> T) async throws -> T {
        let cluster = try await SharedCluster.shared.cluster()
        let name = try await SharedCluster.shared.freshDatabase(prefix: "lagrep")
        let db = Database(
            configuration: DatabaseConfiguration(host: cluster.host, port: cluster.port, database: name, username: cluster.superuser, maxConnections: 2),
            logger: Self.logger)
        return try await db.withRunning { db in
            try await Migrator(database: db).migrate()
            let rows = Self.samples().map { s in
                let refused = s.refused.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",")
                return "('a','\(s.peer)', to_timestamp(\(Double(Self.t0) + s.t)), \(s.records), \(s.seconds), \(s.batches), \(s.shipped), '{\(refused)}')"
            }
            for chunk in stride(from: 0, to: rows.count, by: 500) {
                _ = try await cluster.psql(
                    "INSERT INTO lag_samples (origin, peer, sampled_at, lag_records, lag_seconds, batches_shipped, records_shipped, batches_refused) VALUES "
                        + rows[chunk..<min(rows.count, chunk + 500)].joined(separator: ","), database: name)
            }
            return try await body(db)
        }
    }

    static func at(_ t: Double) -> Timestamp { Timestamp(microseconds: (t0 * 1_000_000) + Int64((t * 1e6).rounded())) }
    static func period(_ from: Double, _ to: Double) -> ReportPeriod { ReportPeriod(from: at(from), to: at(to)) }

    func query(_ period: ReportPeriod) -> LagReportStore.Query {
        .init(origin: "a", peers: ["b", "c", "d"], period: period, rpoTargetSeconds: Self.target, gapThresholdSeconds: Self.threshold)
    }

    // MARK: - The independent computation

    /// Nearest rank: the smallest value with at least q of the values at or below it.
    static func nearestRank(_ values: [Double], _ q: Double) -> Double {
        let sorted = values.sorted()
        return sorted[max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1)]
    }

    /// Weighted nearest rank (minutes weigh their samples).
    static func weightedRank(_ values: [(Double, Int64)], _ q: Double) -> Double {
        let sorted = values.sorted { $0.0 < $1.0 }
        let total = Double(sorted.reduce(0) { $0 + $1.1 })
        var cumulative: Int64 = 0
        for (v, w) in sorted {
            cumulative += w
            if Double(cumulative) >= q * total { return v }
        }
        return sorted.last!.0
    }

    /// A stretch of the timeline: a sample (a point) or a minute row.
    struct Item {
        var at: Double
        var fin: Double
        var judged: Double
        var judgedRecords: Int64
        var n: Int64
        var covered: Double?  // minutes: what their samples stood for
    }

    struct Expected {
        var covered = 0.0, within = 0.0
        var gaps: [(Double, Double)] = []
        var breaches: [(start: Double, end: Double, ended: String, peak: Double, peakRecords: Int64, n: Int64)] = []
    }

    /// Coverage, gaps and breaches of a sorted timeline over [from, to), by the documented rules.
    static func expected(_ items: [Item], from: Double, to: Double) -> Expected {
        var e = Expected()
        guard let first = items.first else { return e }
        if first.at - from > threshold { e.gaps.append((from, first.at)) }
        var open: (start: Double, peak: Double, peakRecords: Int64, n: Int64)?
        for (k, item) in items.enumerated() {
            let next = k + 1 < items.count ? items[k + 1].at : nil
            let gapAfter = (next ?? to) - item.fin > threshold
            let covered = item.covered.map { min($0, item.fin - item.at) } ?? min((next ?? to) - item.at, threshold)
            e.covered += covered
            let breaching = item.judged > target
            if !breaching { e.within += covered }
            if gapAfter { e.gaps.append((item.fin, next ?? to)) }
            if breaching {
                let run = open ?? (item.at, 0, 0, 0)
                open = (run.start, max(run.peak, item.judged), max(run.peakRecords, item.judgedRecords), run.n + item.n)
                let nextBreaching = k + 1 < items.count && items[k + 1].judged > target
                if gapAfter || next == nil || !nextBreaching {
                    let ended = next != nil && !gapAfter ? "recovered" : (gapAfter ? "gap" : "period_end")
                    let end = ended == "recovered" ? next! : (item.covered != nil ? item.fin : item.at + covered)
                    e.breaches.append((open!.start, end, ended, open!.peak, open!.peakRecords, open!.n))
                    open = nil
                }
            }
        }
        return e
    }

    /// The minute rows of `samples` before `t0`, computed here.
    static func minutes(of samples: [Sample]) -> [(minute: Double, s: [Double], r: [Int64], covered: Double)] {
        var out: [Double: (s: [Double], r: [Int64], covered: Double)] = [:]
        for (k, x) in samples.enumerated() where x.t < 0 {
            let next = k + 1 < samples.count ? samples[k + 1].t : x.t + threshold
            let m = (x.t / 60).rounded(.down) * 60
            out[m, default: ([], [], 0)].s.append(x.seconds)
            out[m, default: ([], [], 0)].r.append(x.records)
            out[m, default: ([], [], 0)].covered += min(next - x.t, threshold)
        }
        return out.keys.sorted().map { ($0, out[$0]!.s, out[$0]!.r, out[$0]!.covered) }
    }

    static func close(_ a: Double?, _ b: Double?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return abs(a - b) < 1e-6
    }

    func check(_ pair: PairCompliance, _ e: Expected, period: ReportPeriod) {
        #expect(Self.close(pair.coveredSeconds, e.covered), "covered \(pair.coveredSeconds) vs \(e.covered)")
        #expect(Self.close(pair.withinTargetSeconds, e.within), "within \(pair.withinTargetSeconds) vs \(e.within)")
        #expect(Self.close(pair.shareWithinTarget, e.within / period.seconds))
        #expect(Self.close(pair.gapSeconds, period.seconds - e.covered))
        #expect(pair.gaps.map { [$0.start, $0.end] } == e.gaps.map { [Self.at($0.0), Self.at($0.1)] })
        #expect(pair.breaches.count == e.breaches.count)
        for (got, want) in zip(pair.breaches, e.breaches) {
            #expect(got.start == Self.at(want.start) && got.end == Self.at(want.end), "\(got) vs \(want)")
            #expect(got.endedBy.rawValue == want.ended && got.peakSeconds == want.peak && got.peakRecords == want.peakRecords && got.samples == want.n)
            #expect(Self.close(got.durationSeconds, want.end - want.start))
        }
    }

    // MARK: - Tests

    @Test func rawFiguresEqualAnIndependentComputation() async throws {
        try await withSamples { db in
            let period = Self.period(0, 3600)
            let pairs = try await LagReportStore(database: db).pairs(query(period))
            #expect(pairs.map(\.peer) == ["b", "c", "d"])
            for pair in pairs where pair.peer != "d" {
                let mine = Self.samples().filter { $0.peer == pair.peer && $0.t >= 0 && $0.t < 3600 }
                #expect(pair.resolution == .raw && !pair.approximate && pair.samples == Int64(mine.count))
                let s = mine.map(\.seconds)
                let r = mine.map { Double($0.records) }
                #expect(pair.lagSeconds == LagFigures(p50: Self.nearestRank(s, 0.5), p95: Self.nearestRank(s, 0.95), p99: Self.nearestRank(s, 0.99), max: s.max()))
                #expect(pair.lagRecords == LagFigures(p50: Self.nearestRank(r, 0.5), p95: Self.nearestRank(r, 0.95), p99: Self.nearestRank(r, 0.99), max: r.max()))
                let items = mine.map { Item(at: $0.t, fin: $0.t, judged: $0.seconds, judgedRecords: $0.records, n: 1, covered: nil) }
                check(pair, Self.expected(items, from: 0, to: 3600), period: period)
                var refused: [String: Int64] = [:]
                for x in mine { for (k, v) in x.refused { refused[k, default: 0] += v } }
                #expect(pair.shipping == ShippingTally(batchesShipped: mine.map(\.batches).reduce(0, +), recordsShipped: mine.map(\.shipped).reduce(0, +), batchesRefused: refused))
                #expect(!pair.series.isEmpty && pair.series.count <= 300)
                #expect(pair.series.map(\.maxSeconds).max() == s.max())
            }
            // Known shape of a → b: three breaches (recovered, into the gap, to the period's end), one gap.
            let b = pairs[0]
            #expect(b.breaches.map(\.endedBy) == [.recovered, .gap, .periodEnd])
            #expect(b.gaps.map { [$0.start, $0.end] } == [[Self.at(1000), Self.at(1100)]])
            #expect(b.shareWithinTarget < 0.999)
            // A peer with no sample: the whole period is a gap.
            let d = pairs[2]
            #expect(d.resolution == PairCompliance.Resolution.none && d.samples == 0 && d.shareWithinTarget == 0)
            #expect(d.gaps == [SamplingGap(start: period.from, end: period.to, durationSeconds: 3600)])
        }
    }

    @Test func downsamplingMovesOldSamplesOnceAndReportsReadThemAsMinutes() async throws {
        try await withSamples { db in
            let retention = LagRetentionStore(database: db)
            let all = Self.samples()
            let old = all.filter { $0.t < 0 }
            #expect(try await retention.downsample(before: Self.at(0), gapThresholdSeconds: Self.threshold) == Int64(old.count))
            // Again (a crash and a restart, or the next round): nothing left to move, nothing counted twice.
            #expect(try await retention.downsample(before: Self.at(0), gapThresholdSeconds: Self.threshold) == 0)

            let bSamples = all.filter { $0.peer == "b" }
            let minutes = Self.minutes(of: bSamples)
            let pairs = try await LagReportStore(database: db).pairs(query(Self.period(-3600, 3600)))
            let b = pairs[0]
            #expect(b.resolution == .mixed && b.approximate)
            #expect(b.samples == Int64(bSamples.count))
            let recent = bSamples.filter { $0.t >= 0 }
            // Max stays exact; percentiles weigh the minutes' figures by their samples.
            #expect(b.lagSeconds.max == bSamples.map(\.seconds).max())
            let p50 = recent.map { ($0.seconds, Int64(1)) } + minutes.map { (Self.nearestRank($0.s, 0.5), Int64($0.s.count)) }
            let p99 = recent.map { ($0.seconds, Int64(1)) } + minutes.map { (Self.nearestRank($0.s, 0.99), Int64($0.s.count)) }
            #expect(b.lagSeconds.p50 == Self.weightedRank(p50, 0.5))
            #expect(b.lagSeconds.p95 == Self.weightedRank(p99, 0.95))
            #expect(b.lagSeconds.p99 == Self.weightedRank(p99, 0.99))
            let items =
                minutes.map { m in
                    Item(at: m.minute, fin: m.minute + 60, judged: m.s.max()!, judgedRecords: m.r.max()!, n: Int64(m.s.count), covered: m.covered)
                } + recent.map { Item(at: $0.t, fin: $0.t, judged: $0.seconds, judgedRecords: $0.records, n: 1, covered: nil) }
            check(b, Self.expected(items, from: -3600, to: 3600), period: Self.period(-3600, 3600))
            #expect(b.shipping.batchesShipped == bSamples.map(\.batches).reduce(0, +))
            #expect(b.shipping.recordsShipped == bSamples.map(\.shipped).reduce(0, +))
            var refused: [String: Int64] = [:]
            for x in bSamples { for (k, v) in x.refused { refused[k, default: 0] += v } }
            #expect(b.shipping.batchesRefused == refused)
            // The older hour alone is minute resolution; the recent hour is still exact.
            let older = try await LagReportStore(database: db).pairs(query(Self.period(-3600, 0)))
            #expect(older[0].resolution == .minute)
            let newer = try await LagReportStore(database: db).pairs(query(Self.period(0, 3600)))
            #expect(newer[0].resolution == .raw && newer[0].lagSeconds.p50 == Self.nearestRank(recent.map(\.seconds), 0.5))
        }
    }
}
