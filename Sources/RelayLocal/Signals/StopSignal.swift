import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The request to stop a local run: a termination signal, the end of the supervising process
/// (see ``SupervisorWatch``), or ``raise(_:)``. Created at the very start of a run, so a signal
/// during start-up also tears down what was started.
///
/// Signals are caught with Dispatch sources after setting them to `SIG_IGN` (process-wide, and
/// not restored): pass no signals where that must not happen, such as inside a test process.
public final class StopSignal: Sendable {
    /// Thrown by ``check()`` once a stop was requested.
    public struct Raised: Error {}

    /// What asked for the stop.
    public enum Cause: Equatable, Sendable, CustomStringConvertible {
        /// A signal to this process.
        case signal(Int32)
        /// The supervising process (`RELAY_PARENT_PID`) is gone.
        case supervisorGone(pid_t)
        /// The supervising process is stopping on `signal` and waits for us (GNU make on SIGINT).
        case supervisorStopping(pid_t, signal: Int32)
        /// ``raise(_:)`` without a cause.
        case requested

        /// For the log.
        public var description: String {
            switch self {
            case .signal(let n): return "signal \(n)"
            case .supervisorGone(let pid): return "parent process \(pid) is gone"
            case .supervisorStopping(let pid, let n): return "parent process \(pid) is stopping on signal \(n)"
            case .requested: return "stop requested"
            }
        }
    }

    /// The signals `relay-local` stops on.
    public static let terminationSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    private struct State {
        var cause: Cause?
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }

    /// Dispatch sources are thread-safe but not marked Sendable; kept to cancel them on deinit.
    private final class Sources: @unchecked Sendable {
        let all: [any DispatchSourceProtocol]
        init(_ all: [any DispatchSourceProtocol]) { self.all = all }
    }

    private let state = Mutex(State())
    private let sources = Mutex<Sources?>(nil)
    private let watch = Mutex<SupervisorWatch?>(nil)

    /// Starts listening for `signals` and, when `supervisor` is given, watching that process
    /// four times a second.
    public init(catching signals: [Int32] = StopSignal.terminationSignals, supervisor: pid_t? = nil) {
        var made: [any DispatchSourceProtocol] = []
        for sig in signals {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in self?.raise(.signal(sig)) }
            source.resume()
            made.append(source)
        }
        if let supervisor {
            watch.withLock { $0 = SupervisorWatch(pid: supervisor) }
            let timer = DispatchSource.makeTimerSource(queue: .global())
            timer.schedule(deadline: .now(), repeating: .milliseconds(250))
            timer.setEventHandler { [weak self] in
                guard let self else { return }
                let observation = SupervisorWatch.Observation.of(supervisor)
                switch self.watch.withLock({ $0?.observe(observation) }) {
                case .gone: self.raise(.supervisorGone(supervisor))
                case .stopping(let n): self.raise(.supervisorStopping(supervisor, signal: n))
                case nil: break
                }
            }
            timer.resume()
            made.append(timer)
        }
        sources.withLock { $0 = Sources(made) }
    }

    /// A stop signal for the `relay-local` command: SIGINT, SIGTERM and SIGHUP, and the process
    /// named by `RELAY_PARENT_PID` in `environment` when set.
    public static func forCommand(environment: [String: String] = ProcessInfo.processInfo.environment) -> StopSignal {
        StopSignal(supervisor: SupervisorWatch.supervisorPID(in: environment))
    }

    deinit {
        for source in sources.withLock({ $0?.all ?? [] }) { source.cancel() }
    }

    /// What asked for the stop, nil while none has.
    public var cause: Cause? { state.withLock { $0.cause } }

    /// Whether a stop was requested.
    public var isRaised: Bool { cause != nil }

    /// Requests the stop (the first cause is kept) and wakes every ``wait()``.
    public func raise(_ cause: Cause = .requested) {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            if s.cause == nil { s.cause = cause }
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Throws ``Raised`` once a stop was requested.
    public func check() throws(Raised) {
        if isRaised { throw Raised() }
    }

    /// Suspends until a stop is requested, or the calling task is cancelled.
    public func wait() async {
        let id = state.withLock { s -> UInt64 in
            s.nextWaiter += 1
            return s.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.cause != nil || Task.isCancelled { return true }
                    s.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
