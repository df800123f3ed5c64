/// Why a local run (`relay-local up`) could not start or failed its check, in words an operator
/// can act on.
public enum LocalRunError: Error, CustomStringConvertible, Sendable {
    /// The region files could not be loaded (the loader's `file:line: reason`).
    case regionFiles(String)
    /// Ports of the topology are taken, each as `port (region what)`.
    case portsInUse([String])
    /// Another `relay-local up --regions` runs with this state folder (it holds `control/up.lock`).
    case stateInUse(String)
    /// A `--pg-setting` that is not `name=value`.
    case badSetting(String)
    /// The development key a region needs is not in `dev-keys/`.
    case missingDevKey(path: String, purpose: String)
    /// A key or secret file could not be written.
    case cannotWrite(String)
    /// The policies for the OPA server could not be loaded.
    case policies(String)
    /// An executable to launch is not there (not built).
    case executableNotFound(String)
    /// A child process exited while we waited for it to become healthy.
    case exited(name: String, status: Int32, logTail: String)
    /// A child process did not answer its health URL in time.
    case notHealthy(url: String, seconds: Int, log: String)
    /// `--once`: the traffic had errors or sent nothing.
    case trafficFailed(String)
    /// `--once`: the regions did not catch up in time.
    case notConverged(seconds: Int)

    /// Whether the input was wrong before anything started (the command shows these with its
    /// usage, as argument errors), rather than something failing while running.
    public var isInputError: Bool {
        switch self {
        case .regionFiles, .portsInUse, .stateInUse: return true
        default: return false
        }
    }

    /// The message, as the command prints it.
    public var description: String {
        switch self {
        case .regionFiles(let reason): return reason
        case .portsInUse(let taken):
            return "ports in use: \(taken.joined(separator: ", ")); stop whatever holds them (an earlier relay-local?) first"
        case .stateInUse(let directory):
            return "another relay-local up is running with state folder \(directory); stop it, or pass another --state-dir"
        case .badSetting(let setting): return "--pg-setting wants name=value (got '\(setting)')"
        case .missingDevKey(let path, let purpose): return "missing \(path): each region needs its development \(purpose) key there"
        case .cannotWrite(let path): return "cannot write \(path)"
        case .policies(let reason): return reason
        case .executableNotFound(let path): return "\(path) not found; build it first (make run does)"
        case .exited(let name, let status, let tail): return "\(name) exited (status \(status)); last log lines:\n\(tail)"
        case .notHealthy(let url, let seconds, let log): return "\(url) not healthy after \(seconds) s; see \(log)"
        case .trafficFailed(let reason): return "traffic failed: \(reason)"
        case .notConverged(let seconds): return "regions did not converge within \(seconds) s"
        }
    }
}
