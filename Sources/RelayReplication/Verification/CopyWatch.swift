import Logging
import RelayCore
import RelayLedger
import RelayStore
import ServiceLifecycle
import Synchronization

/// `relay-dr run`'s continuous verification: every `interval`, the peers' copies of this region's
/// ledger are compared with it (`CrossRegionVerifier`: one look-up per copy at the last common
/// seq while they agree, a binary search when they do not). Exports `relay_dr_copy_consistent`
/// and the time of the last run; a finding is logged as an alert line and recorded in
/// `verification_runs` when it appears, and again when it clears.
final class CopyWatch: Service, Sendable {
    let region: String
    let peers: [String]
    let source: any CopySource
    let interval: Duration
    let gate: ReadyGate
    let metrics: DRMetrics
    let runs: VerificationRunStore
    let clock: RelayClock
    let logger: Logger
    /// The findings of the last run, by copy (holder); absent: consistent or not checked yet.
    private let last = Mutex<[String: [CopyFinding]]>([:])

    init(
        region: String, peers: [String], source: any CopySource, interval: Duration, gate: ReadyGate, metrics: DRMetrics,
        runs: VerificationRunStore, clock: RelayClock, logger: Logger
    ) {
        self.region = region
        self.peers = peers
        self.source = source
        self.interval = interval
        self.gate = gate
        self.metrics = metrics
        self.runs = runs
        self.clock = clock
        self.logger = logger
    }

    func run() async throws {
        await runRounds(after: gate, every: interval) { await self.check() }
    }

    /// One round: every peer's copy of this region's chain.
    func check() async {
        let started = clock.now()
        let verifier = CrossRegionVerifier(regions: [region] + peers, source: source, origins: [region], holders: Set(peers))
        let verdicts = await verifier.run()
        var changed = false
        for v in verdicts {
            switch v.status {
            case .couldNotCheck:
                logger.debug("copy not checked", metadata: ["copy": "\(v.holder)", "reason": "\(v.findings.first?.evidence ?? "")"])
                continue
            case .consistent:
                metrics.copyConsistent(origin: region, copy: v.holder, true)
            case .inconsistent:
                metrics.copyConsistent(origin: region, copy: v.holder, false)
            }
            let findings = v.findings.filter { $0.reason != .unreachable }
            let before = last.withLock { $0[v.holder] } ?? []
            guard findings != before else { continue }
            changed = true
            last.withLock { $0[v.holder] = findings.isEmpty ? nil : findings }
            if findings.isEmpty {
                logger.notice("copy consistent again", metadata: ["origin": "\(region)", "copy": "\(v.holder)"])
            }
            for f in findings {
                logger.critical(
                    "COPY INCONSISTENT: a peer's copy of this region's ledger differs from it; see runbooks/chain-divergence.md",
                    metadata: [
                        "origin": "\(region)", "copy": "\(v.holder)", "seq": "\(f.seq.map(String.init) ?? "-")", "reason": "\(f.reason.rawValue)",
                        "evidence": "\(f.evidence)",
                    ])
            }
        }
        metrics.copyVerified(origin: region, at: clock.now())
        guard changed else { return }
        let result = CrossRegionVerification(startedAt: started, runBy: region, mode: "continuous", via: "api", verdicts: verdicts)
        do { try await runs.record(result.record) } catch {
            logger.warning("cannot record the verification run", metadata: ["error": "\(DatabaseError.logText(error))"])
        }
    }
}
