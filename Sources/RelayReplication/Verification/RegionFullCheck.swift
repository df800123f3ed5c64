import RelayCore
import RelayStore

/// `relay-dr verify --full` in one region's database: its own chain recomputed from genesis with
/// its rows (`LocalVerifier`), every replica recomputed from genesis with its materialised rows,
/// and every batch header it keeps checked against the origin's keys and the replica it holds.
public struct RegionFullCheck: Sendable {
    /// What one region's full check found.
    public struct Report: Sendable {
        /// Findings by origin (the copies held by the region).
        public var findings: [String: [CopyFinding]] = [:]
        /// The headers kept here whose signatures verify, by origin (for the equivocation check).
        public var statements: [String: [SignedStatement]] = [:]
        /// Entries recomputed.
        public var entries: Int64 = 0

        /// Creates an empty report.
        public init() {}

        /// The wire form (`GET /v1/copies/check`).
        public var json: JSONValue {
            [
                "entries": .number(Double(entries)),
                "findings": .object(findings.mapValues { .array($0.map(\.json)) }),
                "statements": .object(statements.mapValues { .array($0.map(\.json)) }),
            ]
        }

        /// Reads the wire form; nil when it is not one.
        public init?(json: JSONValue) {
            guard let f = json["findings"]?.objectValue, let s = json["statements"]?.objectValue else { return nil }
            for (origin, list) in f {
                guard let items = list.arrayValue?.compactMap(CopyFinding.init(json:)) else { return nil }
                findings[origin] = items
            }
            for (origin, list) in s {
                guard let items = list.arrayValue?.compactMap(SignedStatement.init(json:)) else { return nil }
                statements[origin] = items
            }
            entries = json["entries"]?.numberValue.map { Int64($0) } ?? 0
        }
    }

    public let region: String
    let database: Database
    let regions: RegionSet

    /// A check of `region`'s database, trusting the ledger keys of `regions`.
    public init(region: String, database: Database, regions: RegionSet) {
        self.region = region
        self.database = database
        self.regions = regions
    }

    /// Runs every check; throws only when the database cannot be read.
    public func run(progress: (String) -> Void = { _ in }) async throws -> Report {
        var report = Report()
        progress("\(region): recomputing its own chain and rows")
        let own = try await LocalVerifier(database: database, region: region).run()
        report.findings[region] = own.findings.map(Self.finding)
        report.entries += own.entriesChecked
        let replicas = ReplicaStore(database: database)
        for origin in regions.ids where origin != region {
            progress("\(region): recomputing its copy of \(origin) and its rows, checking the headers kept")
            var findings: [CopyFinding] = []
            let (statements, unreadable) = try await replicas.statements(origin: origin, holder: region)
            findings += unreadable.map { CopyFinding(seq: $0.firstSeq, reason: .badSignature, evidence: $0.detail) }
            var valid: [SignedStatement] = []
            for s in statements {
                if s.verifies(origin: origin, trusted: regions.trustedKeys(purpose: .ledger, region: origin, at: s.header.createdAt)) {
                    valid.append(s)
                } else {
                    findings.append(
                        CopyFinding(
                            seq: s.header.firstSeq, reason: .badSignature,
                            evidence: "the header of \(s.summary) does not verify with \(origin)'s ledger keys: forged or altered"))
                }
            }
            // The replica's hashes at the seqs the applied headers speak of, kept during the walk.
            let wanted = Set(valid.filter { $0.held == .applied }.flatMap { $0.claims.map(\.seq) })
            var held: [Int64: [UInt8]] = [:]
            var checker = ChainChecker(region: origin)
            try await replicas.forEachEntry(origin: origin) { entry, subject in
                findings += checker.check(entry, subject: subject).map(Self.finding)
                if wanted.contains(entry.seq) { held[entry.seq] = entry.hash }
            }
            findings += checker.finish(recordedHead: try await replicas.head(origin: origin)).map(Self.finding)
            report.entries += checker.checked
            for s in valid where s.held == .applied {
                for claim in s.claims where held[claim.seq].map({ $0 != claim.hash }) ?? false {
                    findings.append(
                        CopyFinding(
                            seq: claim.seq, reason: .hashDiffers,
                            evidence: "\(origin) signed hash \(Hex.encode(claim.hash)) at seq \(claim.seq) in \(s.summary); this copy holds \(Hex.encode(held[claim.seq]!))"))
                }
            }
            let coverage = LedgerCoverage(database: database)
            for kind in [LedgerKind.orgRegistered, .agentRegistered, .manifest, .authEvent] {
                try await coverage.forEachPair(kind: kind, region: origin, replica: true) { pair in
                    findings += LocalVerifier.compare(pair).map(Self.finding)
                }
            }
            try await coverage.forEachExecution(region: origin, replicaHeldBy: region) { pair in
                findings += LocalVerifier.compare(pair).map(Self.finding)
            }
            report.findings[origin] = findings.sorted { ($0.seq ?? .max) < ($1.seq ?? .max) }
            report.statements[origin] = valid
        }
        return report
    }

    /// A finding of the local checks as a finding on the copy.
    static func finding(_ f: LedgerFinding) -> CopyFinding {
        let reason: CopyFinding.Reason =
            switch f.problem {
            case .gap: .missingRange
            case .truncated: .truncated
            case .hashMismatch, .brokenLink, .malformedEntry: .chainBroken
            case .rowDiffers, .rowMissing, .entryMissing, .executionMismatch: .rowDiffers
            }
        let what = [f.kind, f.subject].compactMap { $0 }.joined(separator: " ")
        return CopyFinding(seq: f.seq, reason: reason, evidence: "\(f.problem.rawValue)\(what.isEmpty ? "" : " (\(what))"): \(f.detail)")
    }
}
