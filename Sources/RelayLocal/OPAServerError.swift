/// Why an ``OPAServer`` could not start.
public enum OPAServerError: Error, Sendable, CustomStringConvertible {
    /// `tools/opa_server.py` is not where it was looked for.
    case scriptNotFound(String)
    /// The interpreter could not be launched.
    case launchFailed(String)
    /// The server exited or printed something other than `listening on PORT`.
    case startFailed(firstLine: String, logTail: String)

    /// One paragraph naming what failed and what to do.
    public var description: String {
        switch self {
        case .scriptNotFound(let path):
            "OPA server script not found at \(path) (it is tools/opa_server.py in the repository)"
        case .launchFailed(let reason):
            "cannot launch the OPA server: \(reason)"
        case .startFailed(let line, let tail):
            "the OPA server did not start (first line: '\(line)')"
                + (tail.isEmpty ? "" : "; log tail:\n\(tail)")
                + "\nIs the OPA engine installed? Run scripts/install-opa.sh."
        }
    }
}
