import RelayCore

/// The result of `relay-dr verify --local`: what was checked and every inconsistency found.
public struct LocalVerification: Sendable, Codable, Equatable {
    public var region: String
    /// Entries recomputed from genesis.
    public var entriesChecked: Int64
    /// The last stored entry (seq 0 when the chain is empty) and its hash in hex.
    public var headSeq: Int64
    public var headHash: String
    /// The head the chainer recorded; nil before the first chaining step.
    public var recordedHeadSeq: Int64?
    /// Domain rows compared with their entries.
    public var rowsChecked: Int64
    /// Records written but not chained yet (not an inconsistency: they are chained shortly).
    public var unchained: Int64
    /// Every inconsistency, in seq order (rows with no entry last).
    public var findings: [LedgerFinding]

    /// True when nothing was found.
    public var consistent: Bool { findings.isEmpty }

    enum CodingKeys: String, CodingKey {
        case region, findings, unchained
        case entriesChecked = "entries_checked"
        case headSeq = "head_seq"
        case headHash = "head_hash"
        case recordedHeadSeq = "recorded_head_seq"
        case rowsChecked = "rows_checked"
    }

    /// The operator's view: a summary and one line per finding.
    public var table: String {
        var lines = [
            "relay-dr verify --local: region \(region)",
            "  chain      \(entriesChecked) entries recomputed from genesis, head seq \(headSeq) \(headHash.prefix(16))…",
            "  recorded   head seq \(recordedHeadSeq.map(String.init) ?? "none (nothing chained yet)")",
            "  rows       \(rowsChecked) domain rows compared with their entries",
            "  unchained  \(unchained) records waiting for the chainer",
            "  result     " + (consistent ? "CONSISTENT" : "INCONSISTENT: \(findings.count) finding(s)"),
        ]
        guard !consistent else { return lines.joined(separator: "\n") }
        lines.append("")
        let header = ["SEQ", "KIND", "SUBJECT", "PROBLEM", "DETAIL"]
        let rows = findings.map { f in
            [f.seq.map(String.init) ?? "-", f.kind ?? "-", f.subject ?? "-", f.problem.rawValue, f.detail]
        }
        let widths = (0..<4).map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
        for row in [header] + rows {
            let padded = (0..<4).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
            lines.append((padded + [row[4]]).joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }
}
