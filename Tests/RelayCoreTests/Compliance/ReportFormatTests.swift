import Foundation
import RelayCore
import Testing

/// Every format of one report carries the same numbers: each is parsed back here and compared
/// with the model (JSON and CSV exactly, Markdown at its printed precision).
struct ReportFormatTests {
    let report = ComplianceFixture.report

    @Test func theJSONIsCanonicalAndParsesBackToTheSameReport() throws {
        let bytes = try ReportFormat.json.renderer.render(report)
        #expect(try ComplianceReport.decode(json: bytes) == report)
        #expect(CanonicalJSON.bytes(try JSONParser.parse(bytes)) == bytes)
        #expect(try report.canonicalJSON() == bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\"share_within_target\":0.9995") && text.contains("\"lag_seconds\":{\"max\":42.5"))
    }

    /// RFC 4180 lines (quoted fields may hold commas and quotes).
    static func csvRows(_ text: String) -> [[String]] {
        text.components(separatedBy: "\r\n").map { line in
            var fields: [String] = []
            var field = ""
            var quoted = false
            var chars = Array(line)[...]
            while let c = chars.popFirst() {
                if quoted {
                    if c == "\"" {
                        if chars.first == "\"" { field.append("\""); chars = chars.dropFirst() } else { quoted = false }
                    } else { field.append(c) }
                } else if c == "\"" { quoted = true } else if c == "," { fields.append(field); field = "" } else { field.append(c) }
            }
            fields.append(field)
            return fields
        }
    }

    static func section(_ rows: [[String]], _ name: String) -> [[String: String]] {
        guard let start = rows.firstIndex(of: ["#section", name]) else { return [] }
        let header = rows[start + 1]
        return rows[(start + 2)...].prefix { $0 != [""] }.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    @Test func theCSVCarriesEveryFigureExactly() throws {
        let rows = Self.csvRows(String(decoding: try ReportFormat.csv.renderer.render(report), as: UTF8.self))
        let pairs = Self.section(rows, "pairs")
        #expect(pairs.count == report.pairs.count)
        for (row, p) in zip(pairs, report.pairs) {
            func d(_ k: String) -> Double? { row[k].flatMap { $0.isEmpty ? nil : Double($0) } }
            #expect(row["origin"] == p.origin && row["peer"] == p.peer && row["resolution"] == p.resolution.rawValue)
            #expect(d("lag_seconds_p50") == p.lagSeconds.p50 && d("lag_seconds_p95") == p.lagSeconds.p95)
            #expect(d("lag_seconds_p99") == p.lagSeconds.p99 && d("lag_seconds_max") == p.lagSeconds.max)
            #expect(d("lag_records_p99") == p.lagRecords.p99 && d("lag_records_max") == p.lagRecords.max)
            #expect(d("share_within_target") == p.shareWithinTarget && d("within_target_seconds") == p.withinTargetSeconds)
            #expect(d("gap_seconds") == p.gapSeconds && d("covered_seconds") == p.coveredSeconds && row["samples"] == String(p.samples))
            #expect(row["breaches"] == String(p.breaches.count) && row["gaps"] == String(p.gaps.count))
            #expect(row["batches_shipped"] == String(p.shipping.batchesShipped) && row["records_shipped"] == String(p.shipping.recordsShipped))
            let refused = (row["batches_refused"] ?? "").split(separator: ";").map { part -> (String, Int64) in
                let eq = part.lastIndex(of: "=")!
                return (String(part[..<eq]), Int64(part[part.index(after: eq)...])!)
            }
            #expect(Dictionary(uniqueKeysWithValues: refused) == p.shipping.batchesRefused)
        }
        let breaches = Self.section(rows, "breaches")
        #expect(breaches.count == report.pairs.flatMap(\.breaches).count)
        #expect(breaches.first?["start"] == report.pairs.flatMap(\.breaches).first?.start.iso8601)
        #expect(breaches.first.flatMap { Double($0["peak_seconds"]!) } == 42.5)
        #expect(Self.section(rows, "gaps").count == report.pairs.flatMap(\.gaps).count)
        #expect(Self.section(rows, "events").map { $0["event_id"]! } == report.events.map(\.eventID))
        #expect(Self.section(rows, "events").first?["rto_seconds"] == "1.61")
        #expect(Self.section(rows, "verification_runs").count == report.verificationRuns.count)
        #expect(Self.section(rows, "regions").first { $0["region"] == "ap-southeast-2" }?["status"] == "missing")
        #expect(Self.section(rows, "report").first { $0["key"] == "verdict" }?["value"] == "not_met")
    }

    @Test func theMarkdownShowsTheSameNumbersRounded() throws {
        let text = String(decoding: try ReportFormat.markdown.renderer.render(report), as: UTF8.self)
        let lines = text.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex(of: "## Replication lag per pair"))
        let header = lines[start + 2].split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        let rows = lines[(start + 4)...].prefix { $0.hasPrefix("|") }.map {
            Dictionary(uniqueKeysWithValues: zip(header, $0.split(separator: "|", omittingEmptySubsequences: false).dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }))
        }
        #expect(rows.count == report.pairs.count)
        for (row, p) in zip(rows, report.pairs) {
            func near(_ k: String, _ v: Double?, _ tolerance: Double = 0.0005) -> Bool {
                guard let v else { return row[k] == "–" }
                return Double(row[k] ?? "").map { abs($0 - v) <= tolerance } ?? false
            }
            #expect(row["origin"] == p.origin && row["peer"] == p.peer)
            #expect(near("p50 s", p.lagSeconds.p50) && near("p95 s", p.lagSeconds.p95) && near("p99 s", p.lagSeconds.p99) && near("max s", p.lagSeconds.max))
            #expect(near("max records", p.lagRecords.max) && near("gap s", p.gapSeconds))
            #expect(near("within target %", p.shareWithinTarget * 100, 0.00005))
            #expect(row["breaches"] == String(p.breaches.count) && row["samples"] == String(p.samples))
        }
        #expect(text.contains("**Overall verdict: NOT MET**"))
        #expect(text.contains("**Missing regions** (their figures are unknown): ap-southeast-2"))
    }

    @Test func theHTMLSeamEmbedsTheSameJSON() throws {
        let html = String(decoding: try ReportFormat.html.renderer.render(report), as: UTF8.self)
        let open = try #require(html.range(of: "<script type=\"application/json\" id=\"relay-compliance-report\">"))
        let close = try #require(html.range(of: "</script>", range: open.upperBound..<html.endIndex))
        let json = html[open.upperBound..<close.lowerBound].replacingOccurrences(of: "<\\/", with: "</")
        #expect(try ComplianceReport.decode(json: Array(json.utf8)) == report)
    }
}
