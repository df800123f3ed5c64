import Foundation
import FoundationXML
@testable import RelayCore
import Testing

struct LagChartTests {
    /// The elements of a well-formed SVG document, by name, with their attributes.
    final class Elements: NSObject, XMLParserDelegate {
        var found: [(name: String, attributes: [String: String])] = []
        func parser(_ p: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
            found.append((name, attributes))
        }
        static func of(_ svg: String) throws -> [(name: String, attributes: [String: String])] {
            let parser = XMLParser(data: Data(svg.utf8))
            let elements = Elements()
            parser.delegate = elements
            #expect(parser.parse(), "not well-formed: \(parser.parserError.map { "\($0)" } ?? "")")
            return elements.found
        }
    }

    static let t0 = Timestamp(microseconds: 1_800_000_000_000_000)
    static func at(_ s: Int64) -> Timestamp { t0.adding(microseconds: s * 1_000_000) }

    @Test func onePathPerPairOneLinePerTargetAndABoxPerBreach() throws {
        let chart = LagChart(
            from: Self.at(0), to: Self.at(600),
            series: [
                .init(label: "a → b", points: (0..<120).map { .init(at: Self.at($0 * 5), maxSeconds: $0 == 50 ? 9 : 1) }, targetSeconds: 5,
                      breaches: [.init(from: Self.at(250), to: Self.at(255))]),
                .init(label: "b → a <&>", points: [.init(at: Self.at(0), maxSeconds: 0)], targetSeconds: 5),
                .init(label: "c → a", points: [], targetSeconds: 30),
            ], gapSeconds: 15, id: "lag-chart")
        let elements = try Elements.of(chart.svg)
        let paths = elements.filter { $0.name == "path" }
        #expect(paths.map { $0.attributes["data-pair"] } == ["a → b", "b → a <&>", "c → a"])
        #expect(elements.filter { $0.name == "line" && $0.attributes["class"] == "target" }.compactMap { $0.attributes["data-target-seconds"] } == ["5", "30"])
        #expect(elements.filter { $0.attributes["class"] == "breach" }.count == 1)
        #expect(elements.first?.attributes["id"] == "lag-chart")
    }

    @Test func aPauseInTheSamplesLongerThanTheGapBreaksTheLine() {
        let points = [0, 5, 10, 60, 65].map { LagPoint(at: Self.at($0), maxSeconds: 1) }
        let chart = LagChart(from: Self.at(0), to: Self.at(100), series: [.init(label: "a → b", points: points, targetSeconds: 5)], gapSeconds: 15)
        let d = chart.pathData(chart.series[0])
        #expect(d.split(separator: " ").filter { $0.hasPrefix("M") }.count == 2, "\(d)")
        #expect(d.split(separator: " ").filter { $0.hasPrefix("L") }.count == 3, "\(d)")
    }

    @Test func valuesAreScaledIntoThePlotAndClampedToThePeriod() {
        let chart = LagChart(from: Self.at(0), to: Self.at(100), series: [.init(label: "a → b", points: [], targetSeconds: 10)], gapSeconds: 15)
        #expect(chart.y(0) > chart.y(10) && chart.y(10) > chart.y(chart.ceiling * 2) - 0.001)
        #expect(chart.x(Self.at(-50)) == chart.x(Self.at(0)) && chart.x(Self.at(500)) == chart.x(Self.at(100)))
        #expect(chart.ceiling >= 10)
    }
}
