import RelayCore
import RelayStore

/// relay-dr's `GET /status`: the terminal's `relay-dr status` as a page people can leave open
/// (it reloads itself; no script, nothing fetched): every region's head and state, every pair's
/// lag and quarantine, the routing, the last verification, and the lag of the last hour.
public struct StatusPage: Sendable {
    /// The region whose relay-dr answers.
    public var region: String
    public var at: Timestamp
    public var status: ClusterStatus
    /// `GET /v1/routing` of this region (nil when it could not be read).
    public var routing: JSONValue?
    /// The newest verification run this region recorded.
    public var lastVerification: VerificationRunStore.Run?
    /// The last hour's lag per pair, from every region that answered.
    public var lastHour: ReportPeriod
    public var pairs: [PairCompliance]
    /// Regions whose lag of the last hour could not be read, with why.
    public var chartMissing: [String: String]
    public var refreshSeconds = 10

    /// Creates the page's content.
    public init(
        region: String, at: Timestamp, status: ClusterStatus, routing: JSONValue?, lastVerification: VerificationRunStore.Run?,
        lastHour: ReportPeriod, pairs: [PairCompliance], chartMissing: [String: String]
    ) {
        self.region = region
        self.at = at
        self.status = status
        self.routing = routing
        self.lastVerification = lastVerification
        self.lastHour = lastHour
        self.pairs = pairs
        self.chartMissing = chartMissing
    }

    /// The page.
    public var html: String {
        typealias T = HTMLReportRenderer
        let n = { (v: Double?) in v.map { ComplianceRules.trimmed($0, decimals: 3) } ?? "–" }
        let states = Dictionary((routing?["regions"]?.arrayValue ?? []).compactMap { r in r["region"]?.stringValue.map { ($0, r) } }, uniquingKeysWith: { a, _ in a })
        var out: [String] = []
        out.append("<h1>Relay DR status</h1>")
        out.append("<p>As seen by <b>\(HTMLText.escape(region))</b>'s relay-dr at \(at.iso8601) (UTC); this page reloads every \(refreshSeconds) s.</p>")
        let verdict: ComplianceVerdict = status.healthy ? .met : .notMet
        out.append("<p class=\"banner \(verdict.rawValue)\" id=\"health\">\(status.healthy ? "Healthy: every region answered, nothing quarantined" : "NOT HEALTHY")</p>")
        out.append("<h2>Regions</h2>")
        out.append(
            T.table(
                id: "regions", ["region", "relay-dr", "head seq", "unchained", "state", "serving its traffic", "epoch", "paused"],
                status.regions.map { r in
                    let s = states[r.region]
                    return [
                        .text(r.region), r.reachable ? .verdict(.met) : .text("UNREACHABLE: \(r.error ?? "?")"),
                        .number(r.headSeq.map(Double.init), r.headSeq.map(String.init) ?? "–"),
                        .number(r.unchained.map(Double.init), r.unchained.map(String.init) ?? "–"),
                        .text(s?["state"]?.stringValue ?? "?"), .text(s?["serving"]?.stringValue ?? "?"),
                        .text(s?["epoch"]?.numberValue.map { String(Int64($0)) } ?? "?"), .text(s?["paused"]?.boolValue == true ? "yes" : "no"),
                    ]
                }))
        out.append("<h2>Replication per pair</h2>")
        out.append(
            T.table(
                id: "pairs", ["origin → peer", "lag records", "lag s", "acked seq", "peer holds seq", "state"],
                status.pairs.map { p in
                    let state: HTMLReportRenderer.Cell =
                        p.quarantined
                        ? .verdict(.notMet) : p.lagRecords == nil ? .verdict(.unknown) : p.lastError.map { .text("last error: \($0)") } ?? .text("ok")
                    return [
                        .text("\(p.origin) → \(p.peer)"), .number(p.lagRecords.map(Double.init), p.lagRecords.map(String.init) ?? "–"),
                        .number(p.lagSeconds, n(p.lagSeconds)), .number(p.ackedSeq.map(Double.init), p.ackedSeq.map(String.init) ?? "–"),
                        .number(p.replicaSeq.map(Double.init), p.replicaSeq.map(String.init) ?? "–"),
                        p.quarantined ? .text("QUARANTINED: \(p.quarantineReason ?? "no reason given")") : state,
                    ]
                }))
        out.append("<h2>Last verification</h2>")
        if let v = lastVerification {
            let findings = v.findings.arrayValue?.count ?? 0
            out.append(
                "<p id=\"last-verification\">\(v.startedAt.iso8601): <code>\(HTMLText.escape(v.mode))</code> run by \(HTMLText.escape(v.runBy)): "
                    + "<span class=\"\(v.result == "consistent" ? "met" : "not_met")\">\(HTMLText.escape(v.result))</span>, \(findings) finding(s)</p>")
        } else {
            out.append("<p id=\"last-verification\">No verification recorded by \(HTMLText.escape(region)) yet (<code>relay-dr verify</code>).</p>")
        }
        out.append("<h2>Lag over the last hour</h2>")
        if !chartMissing.isEmpty {
            let names = chartMissing.sorted { $0.key < $1.key }.map { "\(HTMLText.escape($0.key)) (\(HTMLText.escape($0.value)))" }
            out.append("<p class=\"missing\">Not in the chart: \(names.joined(separator: ", "))</p>")
        }
        out.append(T.chart(lastHour, pairs: pairs.filter(\.measured), id: "lag-chart"))
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="\(refreshSeconds)">
            <title>Relay DR status: \(HTMLText.escape(region))</title><style>\(T.style)</style></head>
            <body>
            \(out.joined(separator: "\n"))
            </body></html>

            """
    }
}
