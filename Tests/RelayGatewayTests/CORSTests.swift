import Hummingbird
import RelayGateway
import Testing

struct CORSTests {
    private let preflight: HTTPFields = [
        .origin: "https://app.example.com", .accessControlRequestMethod: "POST",
        .accessControlRequestHeaders: "authorization, content-type",
    ]

    @Test func withoutRelayCORSOriginsNoCORSHeadersAreSent() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let get = try await http.send(.get, "/health", headers: [.origin: "https://app.example.com"])
            #expect(get.status == 200)
            #expect(get.headers[.accessControlAllowOrigin] == nil)
            let pre = try await http.send(.options, "/v1/manifest/validate", headers: preflight)
            #expect(pre.headers[.accessControlAllowOrigin] == nil)
            #expect(pre.headers[.accessControlAllowMethods] == nil)
        }
    }

    @Test func aListedOriginPassesThePreflightAndReadsResponses() async throws {
        let gw = try await TestGateway.make { config in
            config.corsOrigins = .list(["https://app.example.com", "http://localhost:3000"])
        }
        try await gw.run { http in
            let pre = try await http.send(.options, "/v1/manifest/validate", headers: preflight)
            #expect(pre.status == 204)
            #expect(pre.headers[.accessControlAllowOrigin] == "https://app.example.com")
            #expect(pre.headers[.accessControlAllowMethods]?.contains("POST") == true)
            #expect(pre.headers[.accessControlAllowHeaders]?.lowercased().contains("authorization") == true)
            #expect(pre.headers[.accessControlMaxAge] == "600")
            #expect(pre.headers[.vary] == "Origin")
            #expect(pre.headers[.requestID] != nil)

            let get = try await http.send(.get, "/v1/keys", headers: [.origin: "http://localhost:3000"])
            #expect(get.status == 200)
            #expect(get.headers[.accessControlAllowOrigin] == "http://localhost:3000")
            #expect(get.headers[.accessControlExposeHeaders]?.contains("X-Request-ID") == true)

            // Error responses carry the headers too, so a browser can read the error.
            let missing = try await http.send(.get, "/v1/seal/verify?seal_id=nope", headers: [.origin: "https://app.example.com"])
            #expect(missing.status == 404)
            #expect(missing.headers[.accessControlAllowOrigin] == "https://app.example.com")
        }
    }

    @Test func anUnlistedOriginIsRefusedThePreflightAndGetsNoCORSHeaders() async throws {
        let gw = try await TestGateway.make { config in config.corsOrigins = .list(["https://app.example.com"]) }
        try await gw.run { http in
            var headers = preflight
            headers[.origin] = "https://evil.example.net"
            let pre = try await http.send(.options, "/v1/manifest/validate", headers: headers)
            #expect(pre.status == 403)
            #expect(pre.json == ["detail": "CORS origin not allowed"])
            #expect(pre.headers[.accessControlAllowOrigin] == nil)
            #expect(pre.headers[.accessControlAllowMethods] == nil)

            let get = try await http.send(.get, "/v1/keys", headers: [.origin: "https://evil.example.net"])
            #expect(get.status == 200)
            #expect(get.headers[.accessControlAllowOrigin] == nil)

            // Origins match exactly: scheme and port count.
            let http80 = try await http.send(.options, "/v1/keys", headers: [.origin: "http://app.example.com", .accessControlRequestMethod: "GET"])
            #expect(http80.status == 403)
        }
    }

    @Test func aWildcardAllowsEveryOrigin() async throws {
        let gw = try await TestGateway.make { config in config.corsOrigins = .any }
        try await gw.run { http in
            var headers = preflight
            headers[.origin] = "https://anything.example.org"
            let pre = try await http.send(.options, "/v1/manifest/validate", headers: headers)
            #expect(pre.status == 204)
            #expect(pre.headers[.accessControlAllowOrigin] == "*")
            let get = try await http.send(.get, "/health", headers: [.origin: "https://anything.example.org"])
            #expect(get.headers[.accessControlAllowOrigin] == "*")
        }
    }
}
