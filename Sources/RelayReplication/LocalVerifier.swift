import RelayCore
import RelayStore

/// `relay-dr verify --local`: recomputes a region's chain from genesis and checks every domain row
/// of the region against the ledger body that recorded it (catches edits made with triggers off).
public struct LocalVerifier: Sendable {
    /// How far a long run has got (reported every `progressEvery` entries or rows).
    public struct Progress: Sendable {
        public var phase: String
        public var done: Int64
        /// Expected total, when known.
        public var total: Int64?
    }

    let database: Database
    public let region: String
    /// Progress is reported after this many entries or rows.
    public var progressEvery: Int64 = 50_000

    /// A verifier for `region` on `database`.
    public init(database: Database, region: String) {
        self.database = database
        self.region = region
    }

    /// Runs every check. Throws only when the database cannot be read (exit 2: could not check).
    public func run(progress: (Progress) -> Void = { _ in }) async throws -> LocalVerification {
        let ledger = LedgerStore(database: database)
        let coverage = LedgerCoverage(database: database)
        let recorded = try await ledger.recordedHead(region: region)
        var checker = ChainChecker(region: region)
        var findings: [LedgerFinding] = []
        try await ledger.forEachEntry(region: region) { entry, subject in
            findings += checker.check(entry, subject: subject)
            if checker.checked % progressEvery == 0 {
                progress(Progress(phase: "chain", done: checker.checked, total: recorded?.seq))
            }
        }
        findings += checker.finish(recordedHead: recorded)
        for dup in try await coverage.duplicateSubjects(region: region) {
            findings.append(
                LedgerFinding(
                    seq: dup.seqs.last, kind: dup.kind, subject: dup.subject, problem: .malformedEntry,
                    detail: "recorded more than once, at seqs \(dup.seqs.map(String.init).joined(separator: ", "))"))
        }
        var rows: Int64 = 0
        for kind in [LedgerKind.orgRegistered, .agentRegistered, .manifest, .authEvent] {
            try await coverage.forEachPair(kind: kind, region: region) { pair in
                if pair.row != nil || pair.rowNote != nil { rows += 1 }
                findings += Self.compare(pair)
                if rows % progressEvery == 0 { progress(Progress(phase: "rows", done: rows, total: nil)) }
            }
        }
        try await coverage.forEachExecution(region: region) { pair in
            findings += Self.compare(pair)
        }
        let backlog = try await ledger.backlog(region: region)
        return LocalVerification(
            region: region, entriesChecked: checker.checked, headSeq: checker.head.seq,
            headHash: Hex.encode(checker.head.hash), recordedHeadSeq: recorded?.seq, rowsChecked: rows,
            unchained: backlog.count,
            findings: findings.sorted { ($0.seq ?? .max, $0.kind ?? "") < ($1.seq ?? .max, $1.kind ?? "") })
    }

    /// A domain row against the entry recording it.
    static func compare(_ pair: LedgerPair) -> [LedgerFinding] {
        let kind = pair.kind.rawValue
        func finding(_ problem: LedgerFinding.Problem, _ detail: String) -> [LedgerFinding] {
            [LedgerFinding(seq: pair.seq, kind: kind, subject: pair.subject, problem: problem, detail: detail)]
        }
        guard let seq = pair.seq, let body = pair.ledgerBody else {
            return finding(.entryMissing, "no ledger entry records this \(kind) row: it was written behind the gateway")
        }
        guard let row = pair.row else {
            return finding(.rowMissing, pair.rowNote ?? "seq \(seq) records this \(kind) but its row is gone")
        }
        guard let recorded = try? JSONParser.parse(body) else { return [] }  // reported by the chain check
        let differences = recorded.differences(from: row.body)
        guard !differences.isEmpty else { return [] }
        return finding(.rowDiffers, "row edited after it was recorded: " + differences.joined(separator: "; "))
    }

    /// A seal's execution state against its `seal_executed` entry.
    static func compare(_ pair: ExecutionPair) -> [LedgerFinding] {
        func finding(_ seq: Int64?, _ kind: LedgerKind, _ problem: LedgerFinding.Problem, _ detail: String) -> [LedgerFinding] {
            [LedgerFinding(seq: seq, kind: kind.rawValue, subject: pair.sealID, problem: problem, detail: detail)]
        }
        guard let seq = pair.seq, let body = pair.ledgerBody else {
            let at = pair.rowExecutedAt?.iso8601 ?? "?"
            return finding(
                pair.manifestSeq, .manifest, .executionMismatch,
                "seal is marked executed (at \(at)) but no seal_executed entry records it")
        }
        guard pair.rowExists else {
            return finding(seq, .sealExecuted, .rowMissing, "seq \(seq) records this execution but the seal row is gone")
        }
        guard let executedAt = pair.rowExecutedAt else {
            return finding(seq, .sealExecuted, .executionMismatch, "seq \(seq) records the execution but the seal row is not executed")
        }
        guard let recorded = try? JSONParser.parse(body) else { return [] }
        let differences = recorded.differences(from: LedgerRecord.sealExecuted(sealID: pair.sealID, executedAt: executedAt).body)
        guard !differences.isEmpty else { return [] }
        return finding(seq, .sealExecuted, .rowDiffers, "row edited after it was recorded: " + differences.joined(separator: "; "))
    }
}
