import Hummingbird
import HTTPTypes
import HummingbirdTesting
import RelayCore
import RelayGateway
import Testing

/// Rate limiting over real HTTP, with the limiter's clock moved by the test (no sleeping).
struct RateLimitTests {
    @Test func theRequestAfterTheBurstGets429WithRetryAfterAndTheRefillReadmits() async throws {
        let time = ManualMonotonicClock()
        let gw = try await TestGateway.make(rateLimitClock: time.clock) { config in
            config.rateLimitRPS = 0.5
            config.rateLimitBurst = 3
        }
        try await gw.run { http in
            for _ in 0..<3 { #expect(try await http.send(.get, "/v1/keys").status == 200) }
            let limited = try await http.send(.get, "/v1/keys")
            #expect(limited.status == 429)
            #expect(limited.json == ["detail": "Rate limit exceeded"])
            #expect(limited.headers[.retryAfter] == "2")
            #expect(limited.headers[.contentType] == "application/json")
            #expect(limited.headers[.requestID] != nil)
            // Another /v1 route shares the caller's bucket.
            #expect(try await http.validate(sampleManifest()).status == 429)

            time.advance(by: .seconds(1))
            let stillLimited = try await http.send(.get, "/v1/keys")
            #expect(stillLimited.status == 429)
            #expect(stillLimited.headers[.retryAfter] == "1")

            time.advance(by: .seconds(1))
            #expect(try await http.send(.get, "/v1/keys").status == 200)
            #expect(try await http.send(.get, "/v1/keys").status == 429)

            // A long pause refills the whole burst, and no more.
            time.advance(by: .seconds(3600))
            for _ in 0..<3 { #expect(try await http.send(.get, "/v1/keys").status == 200) }
            #expect(try await http.send(.get, "/v1/keys").status == 429)
        }
    }

    @Test func healthAndMetricsAreNeverLimited() async throws {
        let gw = try await TestGateway.make(rateLimitClock: ManualMonotonicClock().clock) { config in
            config.rateLimitRPS = 1
            config.rateLimitBurst = 1
        }
        try await gw.run { http in
            let first = try await http.send(.get, "/v1/keys")
            #expect(first.status == 200)
            #expect(try await http.send(.get, "/v1/keys").status == 429)
            for _ in 0..<5 {
                #expect(try await http.send(.get, "/health").status == 200)
                #expect(try await http.send(.get, "/metrics").status == 200)
            }
        }
    }

    @Test func aRateOfZeroDisablesLimiting() async throws {
        let gw = try await TestGateway.make(rateLimitClock: ManualMonotonicClock().clock) { config in
            config.rateLimitRPS = 0
            config.rateLimitBurst = 1
        }
        #expect(gw.services.rateLimiter == nil)
        let statuses = try await gw.run { http in
            var statuses: [Int] = []
            for _ in 0..<20 { statuses.append(try await http.send(.get, "/v1/keys").status) }
            return statuses
        }
        #expect(statuses == Array(repeating: 200, count: 20))
    }

    @Test func eachAgentHasItsOwnBucketAndAnonymousCallersShareTheirIPs() async throws {
        let time = ManualMonotonicClock()
        let limiter = RateLimiter(rate: 1, burst: 2, clock: time.clock)
        let router = Router(context: RelayRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: TestAuthMiddleware())
        router.add(middleware: RateLimitMiddleware(limiter: limiter))
        router.get("/v1/ping") { _, _ in "pong" }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.ahc(.http)) { client in
            let http = HTTPTestClient(client: client)
            let alice: HTTPFields = [TestAuthMiddleware.agentHeader: "agent_alice"]
            let bob: HTTPFields = [TestAuthMiddleware.agentHeader: "agent_bob"]
            let first = try await http.send(.get, "/v1/ping", headers: alice)
            #expect(first.status == 200)
            #expect(try await http.send(.get, "/v1/ping", headers: alice).status == 200)
            #expect(try await http.send(.get, "/v1/ping", headers: alice).status == 429)
            // Same IP, other agent: its own bucket.
            #expect(try await http.send(.get, "/v1/ping", headers: bob).status == 200)
            // Same IP, unauthenticated: the IP's bucket, untouched by the agents.
            #expect(try await http.send(.get, "/v1/ping").status == 200)
            #expect(try await http.send(.get, "/v1/ping").status == 200)
            #expect(try await http.send(.get, "/v1/ping").status == 429)
            #expect(try await http.send(.get, "/v1/ping", headers: bob).status == 200)
            #expect(try await http.send(.get, "/v1/ping", headers: bob).status == 429)
            #expect(limiter.keyCount == 3)
            time.advance(by: .seconds(1))
            #expect(try await http.send(.get, "/v1/ping", headers: alice).status == 200)
        }
    }
}

/// Stands in for the auth middleware: the agent named in a test header becomes the principal.
struct TestAuthMiddleware: RouterMiddleware {
    typealias Context = RelayRequestContext
    static let agentHeader = HTTPField.Name("X-Test-Agent")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let agent = request.headers[Self.agentHeader] {
            context.principal = Principal(agentID: agent, orgID: "org_test")
        }
        return try await next(request, context)
    }
}
