import Logging
import RelayCore
import RelayLedger
import RelayStore
import ServiceLifecycle

/// Down-samples this database's old lag samples every `every` (docs/compliance-report.md,
/// "Retention"): raw samples older than `retention` become per-minute rows, one transaction per
/// hour of samples, so a kill -9 at any moment loses or doubles nothing.
final class LagRetention: Service, Sendable {
    let store: LagRetentionStore
    let retention: Duration
    let every: Duration
    let gapThreshold: Duration
    let gate: ReadyGate
    let clock: RelayClock
    let logger: Logger

    init(
        store: LagRetentionStore, retention: Duration, every: Duration, gapThreshold: Duration, gate: ReadyGate, clock: RelayClock,
        logger: Logger
    ) {
        self.store = store
        self.retention = retention
        self.every = every
        self.gapThreshold = gapThreshold
        self.gate = gate
        self.clock = clock
        self.logger = logger
    }

    func run() async throws {
        await runRounds(after: gate, every: every) { [self] in
            await round()
        }
    }

    /// One pass: everything older than the retention.
    func round() async {
        let cutoff = clock.now().adding(microseconds: -retention.microseconds)
        do {
            let moved = try await store.downsample(before: cutoff, gapThresholdSeconds: gapThreshold.inSeconds)
            if moved > 0 {
                logger.info("lag samples down-sampled to minutes", metadata: ["rows": "\(moved)", "before": "\(cutoff.iso8601)"])
            }
        } catch {
            logger.warning("lag down-sampling failed; retried next round", metadata: ["error": "\(DatabaseError.logText(error))"])
        }
    }
}
