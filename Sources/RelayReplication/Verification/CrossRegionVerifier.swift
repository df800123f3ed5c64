import RelayCore

/// `relay-dr verify` across regions: for every origin, every copy (the origin's ledger and every
/// peer's replica) must be a prefix of the reference copy (`CopyVerdict.reference`), with equal
/// hashes at every common seq. The first bad seq of a copy is found by `DivergenceSearch`
/// (O(log n) `hash_at` look-ups); the removed tail of a copy by its recorded head.
public struct CrossRegionVerifier: Sendable {
    /// Every region (the copies' holders and the origins).
    public let regions: [String]
    let source: any CopySource
    /// Only these origins' chains (nil: all).
    public var origins: Set<String>?
    /// Only the copies held by these regions (nil: all). Every reachable region still takes part
    /// in choosing the reference.
    public var holders: Set<String>?

    /// `--full`: also every region's full check (`RegionFullCheck`) and the equivocation check.
    public var full: Bool

    /// A verifier of `regions`' copies read from `source`.
    public init(regions: [String], source: any CopySource, origins: Set<String>? = nil, holders: Set<String>? = nil, full: Bool = false) {
        self.regions = regions
        self.source = source
        self.origins = origins
        self.holders = holders
        self.full = full
    }

    /// Checks every selected copy; never throws: a region that cannot be read gives
    /// `could_not_check` verdicts for its copies.
    public func run(progress: @Sendable (String) -> Void = { _ in }) async -> [CopyVerdict] {
        await runWithEvidence(progress: progress).verdicts
    }

    /// `run`, with the proof of every equivocation found (`full` only).
    public func runWithEvidence(progress: @Sendable (String) -> Void = { _ in }) async -> (verdicts: [CopyVerdict], equivocations: [Equivocation]) {
        var verdicts = await compareHeads(progress: progress)
        guard full else { return (verdicts, []) }
        var reports: [String: RegionFullCheck.Report] = [:]
        for region in regions {
            do { reports[region] = try await source.fullCheck(at: region) } catch {
                for i in verdicts.indices where verdicts[i].holder == region {
                    verdicts[i].findings.append(CopyFinding(seq: nil, reason: .unreachable, evidence: "full check: \(error)"))
                }
            }
        }
        for i in verdicts.indices {
            verdicts[i].findings += reports[verdicts[i].holder]?.findings[verdicts[i].origin] ?? []
        }
        var equivocations: [Equivocation] = []
        for origin in regions where origins?.contains(origin) ?? true {
            progress("\(origin): checking every head it signed against its chain")
            let statements = regions.filter { $0 != origin }.flatMap { reports[$0]?.statements[origin] ?? [] }
            let found = await self.equivocations(of: origin, statements: statements)
            equivocations += found
            if let i = verdicts.firstIndex(where: { $0.origin == origin && $0.holder == origin }) {
                verdicts[i].findings += found.map(\.finding)
            }
        }
        for i in verdicts.indices { verdicts[i].findings.sort { ($0.seq ?? .max) < ($1.seq ?? .max) } }
        return (verdicts, equivocations)
    }

    /// Every head `origin` signed (in `statements`, signatures verified) that its current chain
    /// no longer holds, and every pair of its statements that contradict each other. Per holder,
    /// the first contradicted header is found by binary search over its headers in seq order (if
    /// the chain holds a signed head, it holds every earlier one).
    func equivocations(of origin: String, statements: [SignedStatement]) async -> [Equivocation] {
        var found: [Int64: Equivocation] = [:]
        for e in Equivocation.conflicts(origin: origin, among: statements) { found[e.seq] = e }
        for holder in Set(statements.map(\.heldBy)).sorted() {
            let applied = statements.filter { $0.heldBy == holder && $0.held == .applied }.sorted { $0.header.lastSeq < $1.header.lastSeq }
            var search = DivergenceSearch(through: Int64(applied.count))
            var current: [Int64: [UInt8]?] = [:]
            var action = search.start()
            while case .lookUp(let index) = action {
                let s = applied[Int(index) - 1]
                guard let answer = try? await source.hashAt(origin: origin, seq: s.header.lastSeq, at: origin) else { break }
                current[index] = answer.hash
                action = search.answer(seq: index, good: answer.hash == s.header.headHash)
            }
            guard case .finished(.firstBad(let index)) = action, let hash = current[index] else { continue }
            let s = applied[Int(index) - 1]
            let seq = s.header.lastSeq
            if var known = found[seq] {
                known.currentHash = hash
                found[seq] = known
            } else {
                let second = statements.first { $0.claim(at: seq).map { $0 != s.header.headHash } ?? false }
                found[seq] = Equivocation(origin: origin, seq: seq, first: s, second: second, currentHash: hash)
            }
        }
        return found.keys.sorted().map { found[$0]! }
    }

    /// The heads of every selected copy compared with the reference's, by binary search.
    func compareHeads(progress: @Sendable (String) -> Void) async -> [CopyVerdict] {
        let held = await gatherConcurrently(regions) { region -> Result<[CopyHead], any Error>? in
            do { return .success(try await source.copies(at: region)) } catch { return .failure(error) }
        }
        var verdicts: [CopyVerdict] = []
        for origin in regions where origins?.contains(origin) ?? true {
            verdicts += await check(origin: origin, held: held, progress: progress)
        }
        return verdicts
    }

    /// Every selected copy of `origin`.
    func check(origin: String, held: [String: Result<[CopyHead], any Error>], progress: (String) -> Void) async -> [CopyVerdict] {
        var copies: [CopyHead] = []
        var verdicts: [String: CopyVerdict] = [:]
        for holder in regions {
            switch held[holder] {
            case .success(let list)?:
                copies.append(
                    list.first { $0.origin == origin }
                        ?? CopyHead(origin: origin, holder: holder, seq: 0, hash: LedgerEntry.genesisPrevHash, count: 0, recordedSeq: 0))
            case .failure(let error)?:
                verdicts[holder] = CopyVerdict(
                    origin: origin, holder: holder, headSeq: nil, comparedWith: nil,
                    findings: [CopyFinding(seq: nil, reason: .unreachable, evidence: "\(error)")])
            case nil:
                break
            }
        }
        guard let reference = CopyVerdict.reference(among: copies) else {
            return regions.compactMap { holders?.contains($0) ?? true ? verdicts[$0] : nil }
        }
        // The reference holding every entry up to its head is checked first: other copies are
        // compared with it only up to its first gap.
        var referenceVerdict = CopyVerdict(origin: origin, holder: reference.holder, headSeq: reference.seq, comparedWith: nil)
        var limit = reference.seq
        if reference.count != reference.seq {
            var search = DivergenceSearch(through: reference.seq)
            do {
                var ignored = 0
                let (outcome, answers) = try await run(&search, copy: reference, reference: nil, counting: &ignored)
                if case .firstBad(let seq) = outcome, let answer = answers[seq] {
                    referenceVerdict.findings.append(
                        CopyFinding.firstBad(seq, copy: answer.copy, reference: nil, referenceHolder: nil, copyHead: reference.seq))
                    limit = seq - 1
                }
            } catch {
                referenceVerdict.findings.append(CopyFinding(seq: nil, reason: .unreachable, evidence: "\(error)"))
            }
            referenceVerdict.lookUps = search.lookUps
        }
        referenceVerdict.findings += Self.truncation(of: reference)
        verdicts[reference.holder] = referenceVerdict
        for copy in copies where copy.holder != reference.holder && (holders?.contains(copy.holder) ?? true) {
            progress("\(origin) held by \(copy.holder): comparing seqs 1…\(min(copy.seq, limit)) with \(reference.holder)")
            var verdict = CopyVerdict(origin: origin, holder: copy.holder, headSeq: copy.seq, comparedWith: reference.holder)
            var search = DivergenceSearch(through: min(copy.seq, limit))
            var lookUps = 0
            do {
                let (outcome, answers) = try await run(&search, copy: copy, reference: reference, counting: &lookUps)
                if case .firstBad(let seq) = outcome, let answer = answers[seq] {
                    verdict.findings.append(
                        CopyFinding.firstBad(
                            seq, copy: answer.copy, reference: answer.reference, referenceHolder: reference.holder, copyHead: copy.seq))
                }
            } catch {
                verdict.findings.append(CopyFinding(seq: nil, reason: .unreachable, evidence: "\(error)"))
            }
            verdict.findings += Self.truncation(of: copy)
            verdict.lookUps = lookUps
            verdicts[copy.holder] = verdict
        }
        return regions.compactMap { holders?.contains($0) ?? true ? verdicts[$0] : nil }
    }

    /// Drives `search` to its end: every look-up asks the copy and (when given) the reference;
    /// returns the outcome and every answer by seq (the first bad seq's among them).
    func run(
        _ search: inout DivergenceSearch, copy: CopyHead, reference: CopyHead?, counting lookUps: inout Int
    ) async throws -> (DivergenceSearch.Outcome, [Int64: (copy: CopyHashAt, reference: CopyHashAt?)]) {
        var answers: [Int64: (copy: CopyHashAt, reference: CopyHashAt?)] = [:]
        var action = search.start()
        while case .lookUp(let seq) = action {
            let mine = try await source.hashAt(origin: copy.origin, seq: seq, at: copy.holder)
            lookUps += 1
            var theirs: CopyHashAt?
            if let reference {
                theirs = try await source.hashAt(origin: reference.origin, seq: seq, at: reference.holder)
                lookUps += 1
            }
            answers[seq] = (mine, theirs)
            action = search.answer(seq: seq, good: DivergenceSearch.isGood(mine, reference: theirs))
        }
        guard case .finished(let outcome) = action else { preconditionFailure("a search ends finished") }
        return (outcome, answers)
    }

    /// A tail removed behind the triggers: the entries stop before the head the holder recorded.
    static func truncation(of copy: CopyHead) -> [CopyFinding] {
        guard copy.recordedSeq > copy.seq else { return [] }
        let table = copy.isOrigin ? "ledger_heads" : "replica_heads"
        return [
            CopyFinding(
                seq: copy.seq + 1, reason: .truncated,
                evidence: "entries stop at seq \(copy.seq) but \(copy.holder)'s \(table) records head seq \(copy.recordedSeq): seqs \(copy.seq + 1)…\(copy.recordedSeq) were removed")
        ]
    }
}
