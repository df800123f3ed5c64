import Foundation
import FoundationXML
@testable import RelayCore
import RelayTestSupport
import Testing

struct HTMLReportTests {
    static func html(_ report: ComplianceReport = ReportFixture.report) throws -> String {
        String(decoding: try HTMLReportRenderer().render(report), as: UTF8.self)
    }

    /// The `<svg>…</svg>` elements of a page.
    static func charts(_ page: String) -> [String] {
        page.components(separatedBy: "<svg ").dropFirst().map { "<svg " + $0.components(separatedBy: "</svg>")[0] + "</svg>" }
    }

    @Test func theEmbeddedJSONIsTheReportAndTheCellsCarryItsExactFigures() throws {
        let report = ReportFixture.report
        let page = try Self.html(report)
        let json = page.components(separatedBy: "id=\"relay-compliance-report\">")[1].components(separatedBy: "</script>")[0]
        #expect(Array(json.replacingOccurrences(of: "<\\/", with: "</").utf8) == (try report.canonicalJSON()))
        // The pairs table, row by row: the share within the target and the p99, exactly.
        let rows = page.components(separatedBy: "<table id=\"pairs\">")[1].components(separatedBy: "</table>")[0].components(separatedBy: "<tr>").dropFirst(2)
        #expect(rows.count == report.pairs.count)
        for (row, pair) in zip(rows, report.pairs) {
            #expect(row.contains("<td>\(HTMLText.escape(pair.name))</td>"))
            #expect(row.contains("data-value=\"\(CanonicalJSON.serialize(number: pair.shareWithinTarget))\""), "\(row)")
            if let p99 = pair.lagSeconds.p99 { #expect(row.contains("data-value=\"\(CanonicalJSON.serialize(number: p99))\"")) }
        }
        #expect(page.contains("id=\"missing-regions\"") && page.contains("connection refused &lt;127.0.0.1&gt;"))
        #expect(page.contains("class=\"banner not_met\""))
    }

    @Test func oneChartWithAPathPerMeasuredPairThenOneChartPerPair() throws {
        let report = ReportFixture.report
        let charts = Self.charts(try Self.html(report))
        let measured = report.pairs.filter(\.measured)
        #expect(charts.count == 1 + measured.count)
        for (i, svg) in charts.enumerated() {
            let elements = try LagChartTests.Elements.of(svg)
            let paths = elements.filter { $0.name == "path" }.compactMap { $0.attributes["data-pair"] }
            #expect(paths == (i == 0 ? measured.map(\.name) : [measured[i - 1].name]))
            #expect(elements.contains { $0.attributes["class"] == "target" && $0.attributes["data-target-seconds"] == "5" })
        }
        #expect(charts[0].contains("id=\"lag-chart\""))
        // r1 → r2's breach is shaded in the overview and in its own chart; r2 → r3's gap breaks its line.
        #expect(charts[0].components(separatedBy: "class=\"breach\"").count - 1 == 1 && charts[1].contains("class=\"breach\""))
        let gapped = try LagChartTests.Elements.of(charts[4]).first { $0.name == "path" }?.attributes["d"] ?? ""
        #expect(gapped.split(separator: " ").filter { $0.hasPrefix("M") }.count == 2, "\(gapped)")
    }

    @Test func theReportRendersInHeadlessChromiumWithoutConsoleErrors() async throws {
        try await TemporaryDirectory.with(prefix: "relay-report-html-") { dir in
            let file = URL(fileURLWithPath: dir.path("report.html"))
            try Data(try Self.html().utf8).write(to: file)
            let page = try await HeadlessBrowser.load(file.absoluteString, name: "compliance-report")
            #expect(page.console.isEmpty, "\(page.console)")
            let size = (try FileManager.default.attributesOfItem(atPath: page.screenshot.path)[.size] as? Int) ?? 0
            #expect(size > 20_000, "screenshot \(page.screenshot.path): \(size) bytes")
            // The browser's DOM, not our text: the overview chart has one path per measured pair and the target line.
            let overview = Self.charts(page.dom).first { $0.contains("id=\"lag-chart\"") } ?? ""
            #expect(overview.components(separatedBy: "<path class=\"lag\"").count - 1 == ReportFixture.report.pairs.filter(\.measured).count)
            #expect(overview.contains("class=\"target\""))
        }
    }
}
