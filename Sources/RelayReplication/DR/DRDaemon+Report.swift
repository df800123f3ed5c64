import Hummingbird
import NIOCore
import RelayCore
import RelayStore

extension DRDaemon {
    /// This region's section of a compliance report over `period` (`GET /v1/report`): its pairs
    /// from its lag samples, the verification runs it recorded, and the events in its history.
    public func complianceSection(period: ReportPeriod) async throws -> ComplianceSection {
        let c = configuration
        let regions = c.regions
        let me = regions.region(c.region)
        let pairs = try await LagReportStore(database: database).pairs(
            .init(
                origin: c.region, peers: regions.ids.filter { $0 != c.region }, period: period,
                rpoTargetSeconds: Double(me?.targets.rpoSeconds ?? 0), gapThresholdSeconds: c.lagGapThreshold.inSeconds))
        let runs = try await VerificationRunStore(database: database).runs(in: period, recordedBy: c.region)
        let history = try await control.history()
        let events = ComplianceEvent.fromHistory(history["entries"]?.arrayValue ?? [], period: period) { regions.region($0)?.targets }
        return ComplianceSection(
            region: c.region, period: period, generatedAt: clock.now(), sampleIntervalSeconds: c.lagSampleInterval.inSeconds,
            rawRetentionSeconds: c.lagRawRetention.inSeconds, pairs: pairs, verificationRuns: runs, events: events)
    }

    /// `GET /v1/report?from=&to=` (ISO 8601 instants): 400 for a bad period, 503 when the database
    /// does not answer within 5 minutes.
    func reportRoute(from: String?, to: String?) async -> Response {
        guard let from, let to, let start = try? Timestamp(iso8601: from), let end = try? Timestamp(iso8601: to), start < end else {
            return Self.json(400, ["detail": "give from and to as ISO 8601 instants, from before to (e.g. ?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z)"])
        }
        let period = ReportPeriod(from: start, to: end)
        do {
            let section = try await database.bounded(.seconds(300)) { try await self.complianceSection(period: period) }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: try section.canonicalJSON())))
        } catch {
            return Self.json(503, ["detail": .string("report unavailable: \(error)"), "region": .string(configuration.region)])
        }
    }
}
