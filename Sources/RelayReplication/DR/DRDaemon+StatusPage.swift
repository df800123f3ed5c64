import Hummingbird
import NIOCore
import RelayCore
import RelayStore

extension DRDaemon {
    /// `GET /status`: the status page (`StatusPage`), from every region's `/v1/status` and last
    /// hour's report section, this region's routing and its last verification. A region that does
    /// not answer is shown as such; the page itself always answers.
    func statusPage() async -> Response {
        let now = clock.now()
        let hour = ReportPeriod(from: now.adding(microseconds: -3_600_000_000), to: now)
        let c = configuration
        async let status = StatusProbe(regions: c.regions, timeout: .seconds(2), tls: c.tls.client).run()
        async let lastHour = ComplianceGathering(regions: c.regions, client: peerClient, timeout: .seconds(5)).report(
            period: hour, objective: ComplianceRules.defaultObjective, generatedBy: "relay-dr \(c.region) /status", now: now)
        let routing = try? await database.bounded(.seconds(2)) { try await self.control.routing() }
        let runs = try? await database.bounded(.seconds(2)) { try await VerificationRunStore(database: self.database).recent(limit: 1) }
        let report = await lastHour
        let page = StatusPage(
            region: c.region, at: now, status: await status, routing: routing, lastVerification: runs?.first, lastHour: hour,
            pairs: report.pairs, chartMissing: Dictionary(report.missingRegions.map { ($0.region, $0.reason ?? "no answer") }) { a, _ in a })
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: page.html)))
    }
}
