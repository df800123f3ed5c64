import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Decides, from successive looks at a supervising process (`RELAY_PARENT_PID`, e.g. the `make`
/// of `make run`), when `relay-local` must stop: when the supervisor is gone, or when it is
/// stopping because of a signal sent to it alone.
///
/// The second case exists for GNU make: on SIGINT (or SIGHUP, SIGQUIT) make does not pass the
/// signal on, because it assumes the terminal sent it to the whole process group; it resets its
/// handler to the default, keeps the signal blocked and waits for its recipe to end before dying
/// of it. Seen from `/proc`, a signal it caught at the start is no longer caught and is blocked.
/// Requiring that twice in a row keeps a supervisor that briefly swaps handlers from stopping us.
/// Pure: the caller supplies each ``Observation`` (``Observation/of(_:)`` reads `/proc`).
struct SupervisorWatch: Sendable {
    /// What one look at the supervisor found.
    struct Observation: Equatable, Sendable {
        /// nil when the process is gone.
        var stat: ProcFS.Stat?
        /// nil when unreadable.
        var masks: SignalMasks?

        /// Reads `/proc/<pid>/stat` and `/proc/<pid>/status`. Without `/proc` (macOS) only
        /// whether the process exists is known, so only its end is seen.
        static func of(_ pid: pid_t) -> Observation {
            guard ProcFS.isAvailable else {
                let exists = kill(pid, 0) == 0 || errno != ESRCH
                return Observation(stat: exists ? ProcFS.Stat(state: "S", parentPID: 0, processGroup: 0, startTime: 0) : nil, masks: nil)
            }
            return Observation(stat: ProcFS.stat(pid), masks: SignalMasks.of(pid))
        }
    }

    /// Why to stop.
    enum Reason: Equatable, Sendable {
        /// The supervisor exited (or its pid now names another process).
        case gone
        /// The supervisor is handling `signal` and waiting for us to end.
        case stopping(signal: Int32)
    }

    /// The signals a supervisor stops on.
    static let terminating: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    /// The supervisor's pid.
    let pid: pid_t
    private var startTime: UInt64?
    private var caughtAtStart: [Int32] = []
    private var stoppingSeen: Int32?

    init(pid: pid_t) {
        self.pid = pid
    }

    /// The pid in `RELAY_PARENT_PID`, when set to a pid above 1 (1 is init: nothing to watch).
    static func supervisorPID(in environment: [String: String]) -> pid_t? {
        guard let text = environment["RELAY_PARENT_PID"], let pid = pid_t(text), pid > 1 else { return nil }
        return pid
    }

    /// Takes one look; returns a reason once relay-local must stop.
    mutating func observe(_ observation: Observation) -> Reason? {
        guard let stat = observation.stat, stat.state != "Z", stat.state != "X" else { return .gone }
        guard let startTime else {
            // The first look is the baseline: what the supervisor handles while all is well.
            self.startTime = stat.startTime
            caughtAtStart = Self.terminating.filter { observation.masks?.catches($0) ?? false }
            return nil
        }
        // Same pid, different start time: the supervisor died and its pid was reused.
        if stat.startTime != startTime { return .gone }
        guard let masks = observation.masks,
            let handling = caughtAtStart.first(where: { !masks.catches($0) && masks.blocks($0) })
        else {
            stoppingSeen = nil
            return nil
        }
        defer { stoppingSeen = handling }
        return stoppingSeen == handling ? .stopping(signal: handling) : nil
    }
}
