import Logging
import RelayCore
import RelayStore
import ServiceLifecycle
import Synchronization

/// The region's chainer (docs/ledger-format.md, "How entries are made"): links committed records
/// into the hash chain, forever. Runs in relay-dr, or embedded in a gateway
/// (`RELAY_CHAINER=embedded`). Any number may run: one leads (advisory lock), the others stand by
/// and take over within a poll interval. A thin loop: `ChainerStateMachine` decides.
public final class Chainer: Service, Sendable {
    /// Tuning.
    public struct Options: Sendable {
        /// Pause after a step that did not fill a batch: records wait at most about this long
        /// (plus a step) to be chained; longer pauses mean fewer, larger chaining transactions.
        public var pollInterval: Duration = .milliseconds(50)
        /// Records linked per transaction.
        public var batchLimit: Int = 1000
        /// Pause after a failed step.
        public var errorBackoff: Duration = .seconds(1)

        /// The defaults.
        public init() {}
    }

    /// What the chainer last saw (for /health and metrics).
    public struct Status: Sendable, Equatable {
        /// The chain head after the last step; nil before the first.
        public var head: LedgerHead?
        /// Whether the last step held the leader lock.
        public var leader = false
        /// The last failure, cleared by the next successful step.
        public var lastError: String?
        /// Records linked by this instance.
        public var linked: Int64 = 0
    }

    public let region: String
    let store: ChainStore
    let options: Options
    let logger: Logger
    let gate: ReadyGate?
    /// Raised after every step that linked entries (shippers in the same process wait on it).
    public let linked: WakeSignal
    private let machine: Mutex<ChainerStateMachine>
    private let state = Mutex(Status())

    /// A chainer for `region`; when `gate` is given it starts once the gate opens (after migrations).
    public init(
        region: String, database: Database, options: Options = Options(), gate: ReadyGate? = nil, linked: WakeSignal = WakeSignal(),
        logger: Logger
    ) {
        self.region = region
        self.linked = linked
        self.store = ChainStore(database: database)
        self.options = options
        self.gate = gate
        self.machine = Mutex(
            ChainerStateMachine(pollInterval: options.pollInterval, batchLimit: options.batchLimit, errorBackoff: options.errorBackoff))
        var logger = logger
        logger[metadataKey: "region"] = "\(region)"
        self.logger = logger
    }

    /// The latest status.
    public var status: Status { state.withLock { $0 } }

    /// Runs until cancelled or a graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.gate?.wait()
            self.logger.info("chainer started", metadata: ["poll_ms": "\(self.options.pollInterval.milliseconds)"])
            while !Task.isCancelled {
                let pause = await self.step()
                if let pause { try? await Task.sleep(for: pause) }
            }
        }
    }

    /// One step; returns how long to wait before the next (nil: go on at once, more is waiting).
    @discardableResult
    public func step() async -> Duration? {
        let action: ChainerStateMachine.Action
        do {
            let outcome = try await store.step(region: region, limit: options.batchLimit)
            action = machine.withLock { $0.stepped(outcome) }
            state.withLock { s in
                s.lastError = nil
                switch outcome {
                case .notLeader: s.leader = false
                case .idle(let head): (s.leader, s.head) = (true, head)
                case .chained(let count, let head): (s.leader, s.head, s.linked) = (true, head, s.linked + Int64(count))
                }
            }
            if case .chained(let count, let head) = outcome {
                linked.raise()
                logger.debug("chained", metadata: ["records": "\(count)", "head_seq": "\(head.seq)"])
            }
        } catch {
            let message = "\(error)"
            action = machine.withLock { $0.failed(message) }
            state.withLock { $0.lastError = message }
        }
        switch action.note {
        case .leading(let seq): logger.info("chainer is leading", metadata: ["head_seq": "\(seq)"])
        case .standingBy: logger.info("chainer is standing by: another chainer holds the lock")
        case .failed(let message): logger.error("chaining failed; retrying", metadata: ["error": "\(message)"])
        case nil: break
        }
        return action.pause
    }
}
