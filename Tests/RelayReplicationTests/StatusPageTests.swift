import Foundation
import RelayCore
import RelayReplication
import RelayTestSupport
import Testing

/// relay-dr's `GET /status` on three live regions, rendered by headless Chromium: the regions, the
/// pairs, the routing and a lag chart with one line per pair and the RPO target, no console
/// message; with a region down the page still answers and names it.
extension MultiRegionSuites {
@Suite(.timeLimit(.minutes(5)))
struct StatusPageTests {
    /// The `<svg id="lag-chart">` element of a page.
    static func chart(_ dom: String) -> String {
        guard let start = dom.range(of: "<svg "), let open = dom.range(of: "id=\"lag-chart\"") else { return "" }
        let from = dom[..<open.lowerBound].range(of: "<svg ", options: .backwards)?.lowerBound ?? start.lowerBound
        return String(dom[from...].prefix { _ in true }.components(separatedBy: "</svg>")[0])
    }

    @Test func theStatusPageRendersEveryRegionAndPairWithTheLastHoursLag() async throws {
        try await TestRegions.with { regions in
            for n in regions.nodes { for i in 0..<5 { try await regions.decide(in: n.id, amount: Double(i)) } }
            #expect(try await regions.waitUntilConverged())
            try await Task.sleep(for: .seconds(1))  // a few lag samples (every 0.5 s here)
            let url = "http://127.0.0.1:\(regions.node("r1").drPort)/status"
            let page = try await HeadlessBrowser.load(url, name: "status-page")
            #expect(page.console.isEmpty, "\(page.console)")
            #expect(page.dom.contains("<meta http-equiv=\"refresh\""))
            #expect(page.dom.contains("id=\"health\"") && page.dom.contains("Healthy"), "\(page.dom.prefix(2000))")
            let regionRows = page.dom.components(separatedBy: "<table id=\"regions\">")[1].components(separatedBy: "</table>")[0]
            for id in ["r1", "r2", "r3"] { #expect(regionRows.contains("<td>\(id)</td>")) }
            let pairRows = page.dom.components(separatedBy: "<table id=\"pairs\">")[1].components(separatedBy: "</table>")[0]
            #expect(pairRows.components(separatedBy: "<tr>").count - 2 == 6, "\(pairRows)")
            let chart = Self.chart(page.dom)
            let lines = chart.components(separatedBy: "<path class=\"lag\"").count - 1
            #expect(lines == 6, "one line per pair: \(chart.prefix(1500))")
            #expect(chart.contains("class=\"target\""))

            // r3 down: the page still answers, with r3 unreachable and left out of the chart.
            await regions.stop("r3")
            let degraded = try await HeadlessBrowser.load(url, name: "status-page-region-down")
            #expect(degraded.console.isEmpty, "\(degraded.console)")
            #expect(degraded.dom.contains("NOT HEALTHY") && degraded.dom.contains("UNREACHABLE"))
            #expect(degraded.dom.contains("Not in the chart: r3"))
            #expect(Self.chart(degraded.dom).components(separatedBy: "<path class=\"lag\"").count - 1 == 4)
        }
    }
}
}
