/// Why `relay-local kill|restart|stop` did not do what it was asked, in words an operator can
/// act on.
public enum ProcessControlError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A `--component` other than postgres, gateway, dr or all.
    case badComponent(String)
    /// A `--signal` other than KILL or TERM.
    case badSignal(String)
    /// No `relay-local up --regions` holds the control folder of this state folder.
    case noRunningUp(stateDirectory: String)
    /// The `up` ended (or was killed) before it answered.
    case upEnded(stateDirectory: String)
    /// No answer within the time limit (the request was withdrawn if not yet taken).
    case timedOut(seconds: Int, stateDirectory: String)
    /// The request could not be written or the reply not read.
    case io(path: String, reason: String)
    /// The running `up` has no such region.
    case unknownRegion(String, known: [String])
    /// Restarting the gateway or relay-dr while the region's PostgreSQL stays down.
    case databaseDown(region: String)
    /// The `up` answered that it could not do (all of) it.
    case failed([String])

    /// The message, as the commands print it.
    public var description: String {
        switch self {
        case .badComponent(let name): return "--component must be postgres, gateway, dr or all (got '\(name)')"
        case .badSignal(let name): return "--signal must be KILL or TERM (got '\(name)')"
        case .noRunningUp(let dir):
            return "no relay-local up --regions is running with state folder \(dir); start one, or pass the --state-dir it was started with"
        case .upEnded(let dir): return "the relay-local up of state folder \(dir) ended before it answered"
        case .timedOut(let seconds, let dir):
            return "the relay-local up of state folder \(dir) did not answer within \(seconds) s; see its output and \(dir)/logs/"
        case .io(let path, let reason): return "\(path): \(reason)"
        case .unknownRegion(let region, let known):
            return "unknown region '\(region)'; this run has: \(known.joined(separator: ", "))"
        case .databaseDown(let region):
            return "PostgreSQL of \(region) is not running: restart it too (--component postgres, or all)"
        case .failed(let lines): return lines.joined(separator: "\n")
        }
    }
}
