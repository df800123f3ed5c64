import RelayCore

/// What one region's relay-dr answered at `GET /v1/status`, or why it could not be read.
public struct RegionProbe: Sendable {
    /// The region id (from the region file).
    public let region: String
    /// The `dr_url` that was asked.
    public let url: String
    /// The status document, when the daemon answered 200 with JSON.
    public let status: JSONValue?
    /// Why the status is missing (connection refused, timeout, HTTP status, bad JSON).
    public let error: String?

    /// Creates a probe result.
    public init(region: String, url: String, error: String?, status: JSONValue?) {
        self.region = region
        self.url = url
        self.status = status
        self.error = error
    }

    /// True when the daemon answered.
    public var reachable: Bool { status != nil }
    /// The region's chained head seq.
    public var headSeq: Int64? { status?["head"]?["seq"]?.numberValue.map { Int64($0) } }
    /// Records written and not yet chained.
    public var unchained: Int64? { status?["head"]?["unchained"]?.numberValue.map { Int64($0) } }

    /// The origin's view of shipping to `peer` (`peers[]` entry).
    public func peer(_ peer: String) -> JSONValue? {
        status?["peers"]?.arrayValue?.first { $0["peer"]?.stringValue == peer }
    }

    /// This region's replica of `origin` (`replicas[]` entry).
    public func replica(of origin: String) -> JSONValue? {
        status?["replicas"]?.arrayValue?.first { $0["origin"]?.stringValue == origin }
    }
}
