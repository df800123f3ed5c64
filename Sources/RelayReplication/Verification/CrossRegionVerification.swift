import RelayCore
import RelayStore

/// The result of one `relay-dr verify` run across regions: a verdict per origin × copy.
public struct CrossRegionVerification: Sendable {
    public var startedAt: Timestamp
    /// The region that ran it (recorded in its `verification_runs`).
    public var runBy: String
    /// `heads` or `full`.
    public var mode: String
    /// How the copies were read: `api` or `db`.
    public var via: String
    public var verdicts: [CopyVerdict]

    /// Creates a result.
    public init(startedAt: Timestamp, runBy: String, mode: String, via: String, verdicts: [CopyVerdict]) {
        self.startedAt = startedAt
        self.runBy = runBy
        self.mode = mode
        self.via = via
        self.verdicts = verdicts
    }

    /// inconsistent when any copy is, else could not check when any copy could not be, else consistent.
    public var result: CopyVerdict.Status {
        if verdicts.contains(where: { $0.status == .inconsistent }) { return .inconsistent }
        if verdicts.contains(where: { $0.status == .couldNotCheck }) || verdicts.isEmpty { return .couldNotCheck }
        return .consistent
    }

    /// 0 consistent, 1 inconsistent, 2 could not check.
    public var exitCode: Int32 {
        switch result {
        case .consistent: 0
        case .inconsistent: 1
        case .couldNotCheck: 2
        }
    }

    /// What was checked.
    public var scope: JSONValue {
        [
            "origins": .array(Array(Set(verdicts.map(\.origin))).sorted().map { .string($0) }),
            "copies": .array(Array(Set(verdicts.map(\.holder))).sorted().map { .string($0) }), "via": .string(via),
        ]
    }

    /// The whole result as JSON (`--json`).
    public var json: JSONValue {
        [
            "started_at": .string(startedAt.iso8601), "run_by": .string(runBy), "mode": .string(mode), "via": .string(via),
            "result": .string(result.rawValue), "copies": .array(verdicts.map(\.json)),
        ]
    }

    /// The row recorded in `verification_runs`: the findings of every copy that has any.
    public var record: VerificationRunStore.Run {
        let findings = verdicts.flatMap { v in
            v.findings.map { f -> JSONValue in
                guard case .object(var m) = f.json else { return f.json }
                m["origin"] = .string(v.origin)
                m["copy"] = .string(v.holder)
                return .object(m)
            }
        }
        return VerificationRunStore.Run(
            startedAt: startedAt, runBy: runBy, mode: mode, scope: scope, result: result.rawValue, findings: .array(findings))
    }

    /// The operator's table: one line per origin × copy (and per further finding).
    public var table: String {
        let header = ["ORIGIN", "COPY", "HEAD", "STATUS", "FIRST BAD", "REASON", "EVIDENCE"]
        var rows: [[String]] = []
        for v in verdicts {
            let head = v.headSeq.map(String.init) ?? "-"
            guard !v.findings.isEmpty else {
                let against = v.comparedWith.map { "agrees with \($0)'s copy" } ?? "reference (longest copy)"
                rows.append([v.origin, v.holder, head, v.status.rawValue, "-", "-", against])
                continue
            }
            for (i, f) in v.findings.sorted(by: { ($0.seq ?? .max) < ($1.seq ?? .max) }).enumerated() {
                rows.append([
                    i == 0 ? v.origin : "", i == 0 ? v.holder : "", i == 0 ? head : "", i == 0 ? v.status.rawValue : "",
                    f.seq.map(String.init) ?? "-", f.reason.rawValue, f.evidence,
                ])
            }
        }
        let widths = (0..<6).map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
        var lines = ["relay-dr verify (\(mode), via \(via), run by \(runBy)): \(result.rawValue.uppercased())"]
        for row in [header] + rows {
            let padded = (0..<6).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
            lines.append((padded + [row[6]]).joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }
}
