import AsyncHTTPClient
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
import RelayCore
import RelayGateway
import RelayLocal
import RelayPolicy
import RelayStore
import RelaySystem

/// A gateway on its own fresh database in the test process's shared PostgreSQL cluster,
/// served over real HTTP on a loopback port.
struct TestGateway {
    let services: GatewayServices
    let clock: OffsetClock
    let databaseName: String
    let cluster: PostgresCluster

    /// Repository root, found from this file's path.
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static let jwtSecret = "test-secret-test-secret-test-secret-0123456789"

    static func make(
        ttlMinutes: Int = 5, policy: (any PolicyEngine)? = nil, maxBodyBytes: Int = 1 << 20, authRequired: Bool = false,
        rateLimitClock: MonotonicClock = .system, configure: (inout GatewayConfiguration) -> Void = { _ in }
    ) async throws -> TestGateway {
        let cluster = try await SharedCluster.shared.cluster()
        let name = try await SharedCluster.shared.freshDatabase(prefix: "gw")
        var logger = Logger(label: "test-gateway")
        logger.logLevel = .warning
        var config = GatewayConfiguration(
            region: "test-1",
            database: DatabaseConfiguration(host: cluster.host, port: cluster.port, database: name, username: cluster.superuser, maxConnections: 8),
            sealKey: SigningKey.generate().key, sealTTLMinutes: ttlMinutes,
            policyDirectory: repoRoot + "/gateway/policies", maxBodyBytes: maxBodyBytes, jwtSecret: jwtSecret,
            authRequired: authRequired, chainer: .off)
        configure(&config)
        // Without a given engine, the builtin one, built from the configuration as relay-gateway
        // builds it (nothing to shut down). Tests of OPA pass their engine and shut it down.
        let engine = try policy.map(ConfiguredPolicyEngine.init(borrowing:)) ?? ConfiguredPolicyEngine(configuration: config)
        let clock = OffsetClock()
        let services = await GatewayServices(
            configuration: config, database: Database(configuration: config.database, logger: logger), policyEngine: engine,
            clock: clock.clock, rateLimitClock: rateLimitClock)
        return TestGateway(services: services, clock: clock, databaseName: name, cluster: cluster)
    }

    /// Runs the gateway (migrations first) and hands `body` a real HTTP client bound to it;
    /// `logger` replaces the quiet default (tests that read log lines pass a capturing one).
    func run<T: Sendable>(logger: Logger? = nil, _ body: @Sendable (HTTPTestClient) async throws -> T) async throws -> T {
        var quiet = Logger(label: "test-gateway")
        quiet.logLevel = .warning
        let logger = logger ?? quiet
        let app = Gateway.application(services: services, logger: logger)
        return try await app.test(.ahc(.http)) { client in
            try await body(HTTPTestClient(client: client))
        }
    }

    /// Runs SQL as the superuser on this gateway's database; returns psql's unaligned output.
    @discardableResult
    func sql(_ statement: String) async throws -> String {
        try await cluster.psql(statement, database: databaseName).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Row counts of every domain table, to prove an error path wrote nothing.
    func rowCounts() async throws -> String {
        try await sql(
            "SELECT (SELECT count(*) FROM manifests) || ',' || (SELECT count(*) FROM seals) || ',' || (SELECT count(*) FROM seals WHERE was_executed)")
    }
}

/// A thin JSON client for the server the test framework started, over real HTTP on its port.
/// It sends with its own deadline: the framework's client gives a request 15 s, which the suite's
/// first seconds (every test starting at once on two cores) have run out.
struct HTTPTestClient: Sendable {
    let client: any TestClientProtocol

    /// Far from any answer's real time, so only a gateway that does not answer fails the test.
    static let deadline: TimeAmount = .seconds(120)

    /// Sends one request; returns the status, the headers and the whole body.
    func execute(
        uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?
    ) async throws -> (status: Int, headers: HTTPFields, body: ByteBuffer) {
        guard let port = client.port else { throw HTTPClientError.invalidURL }
        var request = HTTPClientRequest(url: "http://localhost:\(port)\(uri)")
        request.method = HTTPMethod(rawValue: method.rawValue)
        for field in headers { request.headers.add(name: field.name.rawName, value: field.value) }
        request.body = body.map { .bytes($0) }
        let response = try await HTTPClient.shared.execute(request, deadline: .now() + Self.deadline)
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return (Int(response.status.code), fields, try await response.body.collect(upTo: .max))
    }

    struct Reply: Sendable {
        let status: Int
        let json: JSONValue
        let raw: String
    }

    func request(
        _ method: HTTPRequest.Method, _ uri: String, body: JSONValue? = nil, rawBody: [UInt8]? = nil, token: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> Reply {
        let bytes = rawBody ?? body.map(CanonicalJSON.bytes)
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if bytes != nil { headers[.contentType] = "application/json" }
        let response = try await execute(uri: uri, method: method, headers: headers, body: bytes.map { ByteBuffer(bytes: $0) })
        let raw = String(buffer: response.body)
        let json = (try? JSONParser.parse(Array(raw.utf8))) ?? .null
        return Reply(status: response.status, json: json, raw: raw)
    }

    func validate(_ manifest: JSONValue, dryRun: Bool? = nil, token: String? = nil) async throws -> Reply {
        var body: [String: JSONValue] = ["manifest": manifest]
        if let dryRun { body["dry_run"] = .bool(dryRun) }
        return try await request(.post, "/v1/manifest/validate", body: .object(body), token: token)
    }
}

/// A valid manifest; tweak fields per test.
func sampleManifest(
    id: String = UUID().uuidString.lowercased(), provider: String = "stripe", method: String = "create_payment",
    parameters: JSONValue = ["amount": 1000, "currency": "usd"], environment: String = "production",
    agentID: String = "agent_test", orgID: String = "org_test"
) -> JSONValue {
    [
        "manifest_id": .string(id),
        "timestamp": "2026-11-27T10:00:00",
        "agent": ["agent_id": .string(agentID), "org_id": .string(orgID)],
        "action": ["provider": .string(provider), "method": .string(method), "parameters": parameters],
        "justification": ["reasoning": "customer checkout", "confidence_score": 0.9],
        "environment": .string(environment),
    ]
}
