import Logging
import RelayPolicy
import ServiceLifecycle
import UnixSignals

/// Reloads the builtin engine's policy directory without a restart: on SIGHUP, and when the
/// files change (looked at every `watchInterval`; a change is loaded once the files have stayed
/// the same for one more look, so an editor's or a sync's partial writes are not loaded).
/// A set that fails to load keeps the one in force: logged with file, line and reason, and
/// `relay_policy_reload_failing` set to 1 until a good set loads.
public struct PolicyReloader: Service {
    let engine: ReloadablePolicyEngine
    let metrics: GatewayMetrics
    let logger: Logger
    /// nil: only SIGHUP reloads.
    let watchInterval: Duration?

    /// A reloader of `engine`'s directory.
    public init(engine: ReloadablePolicyEngine, metrics: GatewayMetrics, logger: Logger, watchInterval: Duration?) {
        self.engine = engine
        self.metrics = metrics
        self.logger = logger
        self.watchInterval = watchInterval
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    for await _ in signals { self.reload(trigger: "SIGHUP") }
                }
                if let interval = self.watchInterval {
                    group.addTask { await self.watch(every: interval) }
                }
            }
        }
    }

    /// Looks at the files every `interval` and reloads after a change has settled. Files that
    /// failed to load are not tried again until they change; files that match the set in force
    /// again (a broken edit undone) clear the failure.
    func watch(every interval: Duration) async {
        var failed: [UInt8]?
        var pending: [UInt8]?
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let now = engine.fingerprint()
            if now == engine.loadedFingerprint {
                if failed != nil { failed = reload(trigger: "files restored") ? nil : now }
                pending = nil
            } else if now == failed {
                pending = nil
            } else if now == pending {
                failed = reload(trigger: "files changed") ? nil : now
                pending = nil
            } else {
                pending = now
            }
        }
    }

    /// Loads the directory again and says what happened; false when the files did not load.
    @discardableResult
    func reload(trigger: String) -> Bool {
        let meta: Logger.Metadata = ["trigger": "\(trigger)", "policy_dir": "\(engine.directory)"]
        do {
            switch try engine.reload() {
            case .replaced(let old, let new):
                metrics.recordPolicyReload(result: "replaced")
                logger.notice("policy set replaced", metadata: meta.merging(["old_version": "\(old)", "policy_version": "\(new)"]) { $1 })
            case .unchanged(let version):
                metrics.recordPolicyReload(result: "unchanged")
                logger.info("policy set unchanged", metadata: meta.merging(["policy_version": "\(version)"]) { $1 })
            }
            return true
        } catch {
            metrics.recordPolicyReload(result: "failed")
            logger.error(
                "policy reload failed; the set in force stays",
                metadata: meta.merging(["reason": "\(error)", "policy_version": "\(engine.policies.version)"]) { $1 })
            return false
        }
    }
}
