import Foundation

/// The origins allowed to call the API from a browser (`RELAY_CORS_ORIGINS`).
public enum CORSOrigins: Sendable, Equatable {
    /// Every origin (`*`).
    case any
    /// Exactly these origins (`scheme://host[:port]`).
    case list([String])

    /// True when a request from `origin` may read responses.
    public func allows(_ origin: String) -> Bool {
        switch self {
        case .any: return origin != "null"
        case .list(let origins): return origins.contains(origin)
        }
    }

    /// Parses `*` or a comma-separated list of origins such as `https://app.example.com`.
    /// Throws a one-line reason (the caller names the variable).
    public static func parse(_ raw: String) throws(CORSOriginsError) -> CORSOrigins {
        let items = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !items.isEmpty else { throw CORSOriginsError(reason: "no origin given") }
        if items.contains("*") {
            guard items.count == 1 else { throw CORSOriginsError(reason: "'*' cannot be combined with other origins") }
            return .any
        }
        for item in items {
            guard let schemeEnd = item.range(of: "://"), ["http", "https"].contains(item[..<schemeEnd.lowerBound]) else {
                throw CORSOriginsError(reason: "'\(item)' is not an origin (expected scheme://host[:port], e.g. https://app.example.com)")
            }
            let rest = item[schemeEnd.upperBound...]
            guard !rest.isEmpty, !rest.contains("/"), !rest.contains(where: \.isWhitespace) else {
                throw CORSOriginsError(reason: "'\(item)' is not an origin (no path or trailing slash: scheme://host[:port])")
            }
        }
        return .list(items)
    }
}

/// Why a `RELAY_CORS_ORIGINS` value was refused.
public struct CORSOriginsError: Error, Sendable {
    /// What is wrong.
    public let reason: String
}
