import AsyncHTTPClient
import Foundation
import NIOCore
import RelayCore

/// Gathers a compliance report from every region's relay-dr (`GET /v1/report`), concurrently,
/// and merges the sections; a region that does not answer (or answers something unusable) is
/// named in the report as missing, with why (`relay-dr report`).
public struct ComplianceGathering: Sendable {
    let regions: RegionSet
    let client: HTTPClient
    /// How long one region may take to compute its section.
    let timeout: Duration

    /// Creates a gathering over `regions`, asking with `client`.
    public init(regions: RegionSet, client: HTTPClient, timeout: Duration = .seconds(120)) {
        self.regions = regions
        self.client = client
        self.timeout = timeout
    }

    /// What one region answered.
    enum Answer: Sendable {
        case section(ComplianceSection)
        case missing(String)
    }

    /// The report over `period`.
    public func report(period: ReportPeriod, objective: Double, generatedBy: String, now: Timestamp) async -> ComplianceReport {
        let answers = await gatherConcurrently(regions.ids) { id in await self.ask(id, period: period) }
        var sections: [ComplianceSection] = []
        var missing: [String: String] = [:]
        for id in regions.ids {
            switch answers[id] ?? .missing("no answer") {
            case .section(let s): sections.append(s)
            case .missing(let why): missing[id] = why
            }
        }
        return ComplianceReport.assemble(
            period: period, generatedAt: now, generatedBy: generatedBy, objective: objective, regions: regions.regions, sections: sections,
            missing: missing)
    }

    /// One region's section, or why there is none.
    func ask(_ id: String, period: ReportPeriod) async -> Answer {
        guard let region = regions.region(id) else { return .missing("not in the region files") }
        let url = region.drURL.joined(path: "/v1/report") + "?from=\(period.from.iso8601)&to=\(period.to.iso8601)"
        do {
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .milliseconds(timeout.milliseconds))
            let bytes = Array(buffer: try await response.body.collect(upTo: 256 << 20))
            guard response.status.code == 200 else {
                let detail = (try? JSONParser.parse(bytes))?["detail"]?.stringValue ?? "not JSON"
                return .missing("HTTP \(response.status.code) from \(region.drURL.absoluteString): \(detail)")
            }
            let section = try ComplianceSection.decode(json: bytes)
            guard section.region == id, section.period == period else {
                return .missing("answered for region \(section.region), period \(section.period.from.iso8601)–\(section.period.to.iso8601)")
            }
            return .section(section)
        } catch {
            return .missing("\(region.drURL.absoluteString) did not answer: \(error)")
        }
    }
}
