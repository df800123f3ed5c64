/// Recomputes a region's chain from genesis, one stored entry at a time (in seq order), and says
/// exactly where it breaks. Pure: the caller streams entries in and collects the findings.
public struct ChainChecker: Sendable {
    public let region: String
    /// The last entry checked (its stored hash): what the next entry must link to.
    public private(set) var head: LedgerHead = .empty()
    /// Entries checked so far.
    public private(set) var checked: Int64 = 0

    /// Starts at genesis of `region`.
    public init(region: String) {
        self.region = region
    }

    /// Starts after `head` of `region`: checks a range of the chain that begins at `head.seq + 1`
    /// (an export from a later seq), taking `head` as given.
    public init(region: String, after head: LedgerHead) {
        self.region = region
        self.head = head
    }

    /// Checks `entry`, stored with `subject`, against the chain so far.
    public mutating func check(_ entry: LedgerEntry, subject: String) -> [LedgerFinding] {
        var findings: [LedgerFinding] = []
        func add(_ problem: LedgerFinding.Problem, _ detail: String) {
            findings.append(
                LedgerFinding(seq: entry.seq, kind: entry.kind.rawValue, subject: subject, problem: problem, detail: detail))
        }
        let expected = head.seq + 1
        if entry.seq != expected {
            let missing = expected == entry.seq - 1 ? "seq \(expected) is" : "seqs \(expected)…\(entry.seq - 1) are"
            add(.gap, "\(missing) missing: the entry before seq \(entry.seq) is seq \(head.seq)")
        } else if entry.prevHash != head.hash {
            add(
                .brokenLink,
                "prev_hash \(Hex.encode(entry.prevHash)) is not the hash of seq \(head.seq) (\(Hex.encode(head.hash))): "
                    + "seq \(head.seq) or \(entry.seq) was rewritten")
        }
        if entry.region != region { add(.malformedEntry, "region is '\(entry.region)', expected '\(region)'") }
        if entry.epoch < head.epoch { add(.malformedEntry, "epoch went back from \(head.epoch) to \(entry.epoch)") }
        let computed = entry.computedHash
        if computed != entry.hash {
            add(
                .hashMismatch,
                "stored hash \(Hex.encode(entry.hash)) but the entry hashes to \(Hex.encode(computed)): the entry was edited")
        }
        findings += bodyFindings(entry, subject: subject)
        head = LedgerHead(after: entry)
        checked += 1
        return findings
    }

    /// Compares the end of the chain with the head the chainer recorded (nil when none was recorded).
    public func finish(recordedHead: LedgerHead?) -> [LedgerFinding] {
        guard let recorded = recordedHead else { return [] }
        if recorded.seq > head.seq {
            return [
                LedgerFinding(
                    seq: head.seq + 1, kind: nil, subject: nil, problem: .truncated,
                    detail: "the chain ends at seq \(head.seq) but the chainer recorded head seq \(recorded.seq): "
                        + "seqs \(head.seq + 1)…\(recorded.seq) are missing (tail truncated)")
            ]
        }
        if recorded.seq < head.seq {
            return [
                LedgerFinding(
                    seq: recorded.seq + 1, kind: nil, subject: nil, problem: .malformedEntry,
                    detail: "entries after the recorded head seq \(recorded.seq) exist up to seq \(head.seq): "
                        + "they were not written by the chainer")
            ]
        }
        if recorded.hash != head.hash {
            return [
                LedgerFinding(
                    seq: head.seq, kind: nil, subject: nil, problem: .hashMismatch,
                    detail: "the recorded head hash \(Hex.encode(recorded.hash)) differs from seq \(head.seq)'s hash "
                        + "\(Hex.encode(head.hash))")
            ]
        }
        return []
    }

    private func bodyFindings(_ entry: LedgerEntry, subject: String) -> [LedgerFinding] {
        // The one-pass check answers for almost every body; only a body it does not vouch for is
        // parsed, to say what is wrong with it.
        let fine = entry.body.withUnsafeBufferPointer {
            CanonicalJSONCheck.isCanonicalObject($0, member: entry.kind.subjectField, is: subject)
        }
        if fine { return [] }
        func finding(_ detail: String) -> [LedgerFinding] {
            [LedgerFinding(seq: entry.seq, kind: entry.kind.rawValue, subject: subject, problem: .malformedEntry, detail: detail)]
        }
        guard let body = try? JSONParser.parse(entry.body), case .object = body else {
            return finding("the body is not a JSON object")
        }
        if CanonicalJSON.bytes(body) != entry.body { return finding("the body is not in canonical (RFC 8785) form") }
        if body[entry.kind.subjectField]?.stringValue != subject {
            return finding("the body's \(entry.kind.subjectField) is not the stored subject '\(subject)'")
        }
        return []
    }
}
