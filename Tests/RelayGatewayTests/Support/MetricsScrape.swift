import Foundation

/// One sample of the Prometheus text exposition: `name{labels} value`.
struct MetricSample: Equatable {
    let name: String
    let labels: [String: String]
    let value: Double
}

/// A parsed `/metrics` page.
struct MetricsScrape {
    let samples: [MetricSample]
    let text: String

    /// Parses the text exposition format (comments skipped; label values unescaped).
    init(_ text: String) throws {
        self.text = text
        var samples: [MetricSample] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.isEmpty {
            samples.append(try Self.parse(Substring(line)))
        }
        self.samples = samples
    }

    struct ParseError: Error, CustomStringConvertible {
        let line: String
        var description: String { "unparsable metrics line: \(line)" }
    }

    private static func parse(_ line: Substring) throws -> MetricSample {
        var labels: [String: String] = [:]
        let name: Substring
        var rest: Substring
        if let brace = line.firstIndex(of: "{") {
            name = line[..<brace]
            rest = line[line.index(after: brace)...]
            while !rest.hasPrefix("}") {
                guard let eq = rest.firstIndex(of: "="), rest[rest.index(after: eq)] == "\"" else { throw ParseError(line: String(line)) }
                let key = String(rest[..<eq])
                var value = ""
                var i = rest.index(eq, offsetBy: 2)
                while i < rest.endIndex, rest[i] != "\"" {
                    if rest[i] == "\\" {
                        i = rest.index(after: i)
                        value.append(rest[i] == "n" ? "\n" : rest[i])
                    } else {
                        value.append(rest[i])
                    }
                    i = rest.index(after: i)
                }
                guard i < rest.endIndex else { throw ParseError(line: String(line)) }
                labels[key] = value
                rest = rest[rest.index(after: i)...]
                if rest.hasPrefix(",") { rest = rest.dropFirst() }
            }
            rest = rest.dropFirst()
        } else {
            guard let space = line.firstIndex(of: " ") else { throw ParseError(line: String(line)) }
            name = line[..<space]
            rest = line[space...]
        }
        guard let value = Double(rest.trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") else {
            throw ParseError(line: String(line))
        }
        return MetricSample(name: String(name), labels: labels, value: value)
    }

    /// The value of the sample named `name` whose labels include `labels`; 0 when absent (a
    /// series appears on its first observation). Fails when several samples match.
    func value(_ name: String, _ labels: [String: String] = [:]) throws -> Double {
        let matching = samples.filter { s in s.name == name && labels.allSatisfy { s.labels[$0.key] == $0.value } }
        guard matching.count <= 1 else { throw AmbiguousSample(name: name, labels: labels, count: matching.count) }
        return matching.first?.value ?? 0
    }

    /// True when some sample is named `name`.
    func has(_ name: String) -> Bool { samples.contains { $0.name == name } }

    struct AmbiguousSample: Error {
        let name: String
        let labels: [String: String]
        let count: Int
    }
}

extension HTTPTestClient {
    /// Scrapes `/metrics`.
    func scrape() async throws -> MetricsScrape {
        try MetricsScrape(try await send(.get, "/metrics").raw)
    }
}
