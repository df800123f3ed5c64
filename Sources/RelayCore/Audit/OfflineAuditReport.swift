/// The result of an offline audit: what the file holds, how much of it the origin's signatures
/// vouch for, and every finding (the first `OfflineAuditor.findingLimit` of them).
public struct OfflineAuditReport: Sendable, Equatable, Codable {
    public var origin: String
    /// The region whose database the file was exported from.
    public var source: String
    public var fromSeq: Int64
    public var toSeq: Int64
    /// Records read, and the first and last seq among them.
    public var records: Int64 = 0
    public var firstSeq: Int64?
    public var lastSeq: Int64?
    /// Batch headers read, and those whose signature verified with a trusted key.
    public var headers: Int64 = 0
    public var headersVerified: Int64 = 0
    /// The highest seq whose record hash a verified header signed as its `head_hash` (every
    /// record up to it is bound to that signature through the chain); `fromSeq − 1` when none.
    public var signedThrough: Int64
    public var findings: [AuditFinding] = []
    /// All findings, also those beyond the ones kept.
    public var findingsTotal = 0

    /// True when nothing was found (set when the audit finishes).
    public var consistent = false

    /// An empty report for the file of `preamble`.
    public init(preamble: AuditPreamble) {
        origin = preamble.origin
        source = preamble.source
        fromSeq = preamble.fromSeq
        toSeq = preamble.toSeq
        signedThrough = preamble.fromSeq - 1
    }

    enum CodingKeys: String, CodingKey {
        case origin, source, records, headers, findings, consistent
        case fromSeq = "from_seq", toSeq = "to_seq", firstSeq = "first_seq", lastSeq = "last_seq"
        case headersVerified = "headers_verified", signedThrough = "signed_through", findingsTotal = "findings_total"
    }

    /// A plain-text summary and one row per finding (`seq  reason  detail`).
    public var table: String {
        let range = lastSeq.map { "seqs \(firstSeq ?? fromSeq)…\($0)" } ?? "no records"
        var lines = [
            "origin \(origin) (exported from \(source)): \(records) records, \(range)",
            "batch headers: \(headers) read, \(headersVerified) with a valid signature; signed through seq \(signedThrough)",
        ]
        if consistent {
            lines.append("result: consistent")
        } else {
            lines.append("result: INCONSISTENT, \(findingsTotal) finding(s)")
            func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(1, n - s.count)) }
            lines.append(pad("seq", 10) + pad("reason", 17) + "detail")
            for f in findings {
                let seq = f.seq.map(String.init) ?? "-"
                lines.append(pad(seq, 10) + pad(f.reason.rawValue, 17) + f.detail)
            }
            if findingsTotal > findings.count { lines.append("… and \(findingsTotal - findings.count) more") }
        }
        return lines.joined(separator: "\n")
    }
}
