/// Why the OPA engine could not produce a decision or a version.
///
/// Every case makes the gateway fail closed (503, nothing written). Messages name the URL and
/// what was wrong so an operator can tell a down sidecar from a policy that was never pushed.
public enum OPAError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No HTTP answer: connection refused, DNS failure, timeout, connection reset.
    case unreachable(url: String, reason: String)
    /// OPA answered with a status other than 200; `body` is the start of its answer.
    case httpStatus(url: String, status: Int, body: String)
    /// The answer is not the JSON document OPA sends.
    case malformedResponse(url: String, reason: String)
    /// The document is undefined: OPA has no policy (or data) at that path.
    case undefinedDocument(url: String)
    /// The document exists but has the wrong shape (e.g. `allow` is not a boolean).
    case invalidDocument(url: String, reason: String)
    /// A policy push (`PUT /v1/policies/{id}`) was refused; `body` is OPA's error answer.
    case pushRejected(url: String, status: Int, body: String)

    /// One line for logs and CLI output.
    public var description: String {
        switch self {
        case .unreachable(let url, let reason):
            "OPA unreachable at \(url): \(reason)"
        case .httpStatus(let url, let status, let body):
            "OPA answered HTTP \(status) for \(url)" + (body.isEmpty ? "" : ": \(body)")
        case .malformedResponse(let url, let reason):
            "OPA answer from \(url) is not valid JSON: \(reason)"
        case .undefinedDocument(let url):
            "OPA document \(url) is undefined (no policy loaded at that path? push it with `relay-gateway policy push`)"
        case .invalidDocument(let url, let reason):
            "OPA document \(url) is invalid: \(reason)"
        case .pushRejected(let url, let status, let body):
            "OPA refused the policy at \(url) (HTTP \(status))" + (body.isEmpty ? "" : ": \(body)")
        }
    }
}
