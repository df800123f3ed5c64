import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import RelayCore

/// What a coordinator asks of the regions: their relay-dr's status, health, routing and control
/// endpoints and their gateway's health, over HTTP(S) with short timeouts; and a relay-dr's hello.
public struct RegionClient: Sendable {
    let regions: RegionSet
    let client: HTTPClient
    /// The token presented to `POST /v1/control`; nil when none was given.
    public let adminToken: String?
    let timeout: Duration

    /// A client for `regions`; `adminToken` is presented to `POST /v1/control`.
    public init(regions: RegionSet, client: HTTPClient, adminToken: String?, timeout: Duration = .seconds(5)) {
        self.regions = regions
        self.client = client
        self.adminToken = adminToken
        self.timeout = timeout
    }

    /// This client with requests bounded by `timeout` (a probe of a region that may be lost
    /// should not hold a failover up for long).
    public func bounded(by timeout: Duration) -> RegionClient {
        RegionClient(regions: regions, client: client, adminToken: adminToken, timeout: timeout)
    }

    /// An answer: HTTP status and JSON body (`detail` set to the reason when it was not JSON).
    public struct Answer: Sendable {
        public let status: Int
        public let body: JSONValue
        public var ok: Bool { status == 200 }
        public var detail: String { body["detail"]?.stringValue ?? "HTTP \(status)" }
    }

    /// `GET path` on `region`'s relay-dr.
    public func dr(_ region: String, _ path: String) async throws -> Answer {
        try await send(url: try self.region(region).drURL.joined(path: path), method: .GET, body: nil)
    }

    /// `GET /v1/status` on `region`'s relay-dr, read as `relay-dr status` reads it.
    public func status(_ region: String) async -> RegionProbe {
        let url = regions.region(region)?.drURL.joined(path: "/v1/status") ?? ""
        do {
            let answer = try await dr(region, "/v1/status")
            return RegionProbe(region: region, url: url, error: answer.ok ? nil : "HTTP \(answer.status)", status: answer.ok ? answer.body : nil)
        } catch {
            return RegionProbe(region: region, url: url, error: StatusProbe.describe(error), status: nil)
        }
    }

    /// `GET /health` on `region`'s gateway.
    public func gatewayHealth(_ region: String) async throws -> Answer {
        try await send(url: try self.region(region).gatewayURL.joined(path: "/health"), method: .GET, body: nil)
    }

    /// `POST /v1/control` on `region`'s relay-dr.
    public func control(_ region: String, _ request: ControlRequest) async throws -> Answer {
        try await send(url: try self.region(region).drURL.joined(path: "/v1/control"), method: .POST, body: request.json)
    }

    /// `POST /v1/replication/hello` on `region`'s relay-dr, saying that `from`'s relay-dr listens
    /// (again): the shipper of `region` towards `from` ends its back-off.
    public func hello(_ region: String, from: String) async throws -> Answer {
        try await send(url: try self.region(region).drURL.joined(path: "/v1/replication/hello"), method: .POST, body: ["region": .string(from)])
    }

    private func region(_ id: String) throws(ControlRequestError) -> Region {
        guard let r = regions.region(id) else { throw ControlRequestError("unknown region \(id)") }
        return r
    }

    private func send(url: String, method: HTTPMethod, body: JSONValue?) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            if let adminToken { request.headers.add(name: "Authorization", value: "Bearer \(adminToken)") }
            request.body = .bytes(ByteBuffer(bytes: CanonicalJSON.bytes(body)))
        }
        let response = try await client.execute(request, timeout: .milliseconds(timeout.milliseconds))
        let bytes = try await response.body.collect(upTo: 4 << 20)
        let json = (try? JSONParser.parse(Array(buffer: bytes))) ?? ["detail": .string("HTTP \(response.status.code), not JSON")]
        return Answer(status: Int(response.status.code), body: json)
    }
}
