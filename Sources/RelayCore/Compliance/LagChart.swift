import Foundation

/// Replication lag over time as an inline SVG (no script, no external asset), for the HTML report
/// and relay-dr's `/status` page: one `<path class="lag">` per pair, one dashed
/// `<line class="target">` per distinct RPO target, each breach shaded as a `<rect class="breach">`.
/// A pause in the samples longer than `gapSeconds` breaks the pair's line (a gap is not drawn as
/// lag it never measured).
public struct LagChart: Sendable {
    /// One pair's line.
    public struct Series: Sendable, Equatable {
        /// The pair, e.g. "us-east-1 → eu-west-1" (legend, and `data-pair`).
        public var label: String
        /// The largest lag of each bucket of samples, oldest first.
        public var points: [LagPoint]
        /// The pair's RPO target, in seconds.
        public var targetSeconds: Double
        /// The intervals in which the pair breached its target.
        public var breaches: [ReportPeriod]

        /// Creates a series.
        public init(label: String, points: [LagPoint], targetSeconds: Double, breaches: [ReportPeriod] = []) {
            self.label = label
            self.points = points
            self.targetSeconds = targetSeconds
            self.breaches = breaches
        }
    }

    public var from: Timestamp
    public var to: Timestamp
    public var series: [Series]
    public var gapSeconds: Double
    public var width = 900.0
    public var height = 280.0
    /// The `id` of the `<svg>` element (none when nil).
    public var id: String?

    /// A chart of `series` over [from, to).
    public init(from: Timestamp, to: Timestamp, series: [Series], gapSeconds: Double, id: String? = nil) {
        self.from = from
        self.to = to
        self.series = series
        self.gapSeconds = gapSeconds
        self.id = id
    }

    /// Line colours, told apart also in grey print.
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]

    private var plot: (left: Double, right: Double, top: Double, bottom: Double) {
        (56, width - 16, 16, height - 56)
    }

    /// The distance between two y-axis ticks: 1, 2 or 5 × a power of ten, four or five of them
    /// up to the largest lag or target.
    var tickStep: Double {
        let top = max(1, (series.flatMap { $0.points.map(\.maxSeconds) + [$0.targetSeconds] }.max() ?? 1) * 1.1)
        let rough = top / 4
        let power = pow(10, floor(log10(rough)))
        return [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough } ?? 10 * power
    }

    /// The highest value on the y axis: the first tick above the largest lag and every target.
    var ceiling: Double {
        let top = max(1, (series.flatMap { $0.points.map(\.maxSeconds) + [$0.targetSeconds] }.max() ?? 1) * 1.1)
        return (top / tickStep).rounded(.up) * tickStep
    }

    func x(_ t: Timestamp) -> Double {
        let span = Double(max(1, to.microseconds - from.microseconds))
        let f = Double(t.microseconds - from.microseconds) / span
        return plot.left + min(1, max(0, f)) * (plot.right - plot.left)
    }

    func y(_ seconds: Double) -> Double {
        plot.bottom - min(1, max(0, seconds / ceiling)) * (plot.bottom - plot.top)
    }

    /// The `d` attribute of a series' path: a new subpath after every gap.
    func pathData(_ s: Series) -> String {
        var d: [String] = []
        var previous: Timestamp?
        for p in s.points {
            let jump = previous.map { Double(p.at.microseconds - $0.microseconds) / 1e6 > gapSeconds } ?? true
            d.append("\(jump ? "M" : "L")\(Self.n(x(p.at))) \(Self.n(y(p.maxSeconds)))")
            previous = p.at
        }
        return d.joined(separator: " ")
    }

    /// The whole `<svg>` element.
    public var svg: String {
        let (left, right, top, bottom) = plot
        var out = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\"\(id.map { " id=\"\(HTMLText.escape($0))\"" } ?? "") class=\"lag-chart\" "
                + "viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" role=\"img\">",
            "<title>Replication lag (seconds) from \(from.iso8601) to \(to.iso8601)</title>",
            "<rect x=\"\(Self.n(left))\" y=\"\(Self.n(top))\" width=\"\(Self.n(right - left))\" height=\"\(Self.n(bottom - top))\" fill=\"#fff\" stroke=\"#ccc\"/>",
        ]
        for s in series {
            for b in s.breaches {
                let x0 = x(b.from)
                let x1 = max(x(b.to), x0 + 1)
                out.append(
                    "<rect class=\"breach\" data-pair=\"\(HTMLText.escape(s.label))\" x=\"\(Self.n(x0))\" y=\"\(Self.n(top))\" width=\"\(Self.n(x1 - x0))\" "
                        + "height=\"\(Self.n(bottom - top))\" fill=\"#d62728\" fill-opacity=\"0.15\"/>")
            }
        }
        out += axes
        for target in Set(series.map(\.targetSeconds)).sorted() {
            out.append(
                "<line class=\"target\" data-target-seconds=\"\(Self.n(target))\" x1=\"\(Self.n(left))\" x2=\"\(Self.n(right))\" y1=\"\(Self.n(y(target)))\" "
                    + "y2=\"\(Self.n(y(target)))\" stroke=\"#000\" stroke-dasharray=\"6 4\"/>")
            out.append(
                "<text x=\"\(Self.n(right - 4))\" y=\"\(Self.n(y(target) - 4))\" text-anchor=\"end\" font-size=\"11\">RPO target \(Self.n(target)) s</text>")
        }
        for (i, s) in series.enumerated() {
            let colour = Self.palette[i % Self.palette.count]
            out.append(
                "<path class=\"lag\" data-pair=\"\(HTMLText.escape(s.label))\" d=\"\(pathData(s))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\"/>")
            // The legend: four to a row under the x axis labels.
            let lx = left + Double(i % 4) * 200
            let ly = height - 18 + Double(i / 4) * 14
            out.append("<rect x=\"\(Self.n(lx))\" y=\"\(Self.n(ly - 8))\" width=\"12\" height=\"3\" fill=\"\(colour)\"/>")
            out.append("<text x=\"\(Self.n(lx + 16))\" y=\"\(Self.n(ly - 4))\" font-size=\"11\">\(HTMLText.escape(s.label))</text>")
        }
        out.append("</svg>")
        return out.joined(separator: "\n")
    }

    /// Grid lines and labels: a tick every `tickStep` seconds on the y axis, five on the x axis (UTC).
    private var axes: [String] {
        let (left, right, top, bottom) = plot
        var out: [String] = []
        for i in 0...Int((ceiling / tickStep).rounded()) {
            let v = tickStep * Double(i)
            out.append("<line x1=\"\(Self.n(left))\" x2=\"\(Self.n(right))\" y1=\"\(Self.n(y(v)))\" y2=\"\(Self.n(y(v)))\" stroke=\"#eee\"/>")
            out.append("<text x=\"\(Self.n(left - 4))\" y=\"\(Self.n(y(v) + 4))\" text-anchor=\"end\" font-size=\"11\">\(Self.label(v))</text>")
        }
        let span = to.microseconds - from.microseconds
        for i in 0...4 {
            let t = Timestamp(microseconds: from.microseconds + span * Int64(i) / 4)
            let iso = t.iso8601
            // A day or more: the date; less: the time of day.
            let text = span >= 86_400_000_000 ? String(iso.prefix(10)) : String(iso.dropFirst(11).prefix(5))
            out.append("<text x=\"\(Self.n(x(t)))\" y=\"\(Self.n(bottom + 16))\" text-anchor=\"middle\" font-size=\"11\">\(text)</text>")
        }
        out.append("<text x=\"12\" y=\"\(Self.n(top + 4))\" font-size=\"11\" transform=\"rotate(-90 12 \(Self.n(top + 4)))\" text-anchor=\"end\">lag (s)</text>")
        return out
    }

    /// A number with at most two decimals, without a trailing ".0".
    static func n(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        return r == r.rounded() ? String(Int64(r)) : String(r)
    }

    /// An axis label.
    static func label(_ v: Double) -> String { v >= 10 ? String(Int64(v.rounded())) : n(v) }
}
