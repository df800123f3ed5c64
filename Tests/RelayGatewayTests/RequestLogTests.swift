import Hummingbird
import Logging
import RelayCore
import RelayGateway
import Testing

/// Log lines of real requests, captured through a test logger.
struct RequestLogTests {
    @Test func eachRequestLogsOneLineWithItsRouteStatusDurationClientAndID() async throws {
        let logs = LogCapture()
        let gw = try await TestGateway.make()
        try await gw.run(logger: logs.logger(level: .info)) { http in
            _ = try await http.send(.get, "/v1/seal/verify?seal_id=seal_abc", headers: [.requestID: "req-verify"])
            _ = try await http.send(.get, "/health", headers: [.requestID: "req-health"])
            _ = try await http.send(.post, "/v1/manifest/validate", headers: [.requestID: "req-validate"], body: ["manifest": sampleManifest()])
            _ = try await http.send(.get, "/no/such/thing?q=1", headers: [.requestID: "req-miss"])
        }
        let lines = logs.requestLines
        #expect(lines.count == 4)
        let miss = try #require(lines.first { $0["request_id"] == "req-miss" })
        #expect(miss["route"] == "unmatched")
        #expect(miss["path"] == "/no/such/thing")
        #expect(miss["status"] == "404")
        let verify = try #require(lines.first { $0["request_id"] == "req-verify" })
        #expect(verify["method"] == "GET")
        #expect(verify["route"] == "/v1/seal/verify")
        #expect(verify["path"] == "/v1/seal/verify")
        #expect(verify["status"] == "404")
        #expect(verify["client_ip"] == "127.0.0.1")
        #expect(Double(verify["duration_ms"]?.stringValue ?? "") != nil)
        #expect(verify["level"] == "info")
        // Every line of a request carries its id: the handler's own "decision" line too.
        let validateLines = logs.entries.filter { $0["request_id"] == "req-validate" }
        #expect(Set(validateLines.compactMap { $0["message"]?.stringValue }) == ["decision", "request"])
    }

    @Test func tokensAndAuthorizationHeadersAreNeverLogged() async throws {
        let secret = "secret-token-xyz"
        let logs = LogCapture()
        let time = ManualMonotonicClock()
        let gw = try await TestGateway.make(rateLimitClock: time.clock) { config in config.rateLimitBurst = 6 }
        try await gw.run(logger: logs.logger(level: .trace)) { http in
            let auth: HTTPFields = [.authorization: "Bearer \(secret)", .cookie: "session=\(secret)"]
            _ = try await http.send(.post, "/v1/manifest/validate", headers: auth, body: ["manifest": sampleManifest()])
            _ = try await http.send(.post, "/v1/manifest/validate", headers: auth, body: ["manifest": ["agent": .string(secret)]])
            _ = try await http.send(.get, "/v1/seal/verify?seal_id=x&access_token=\(secret)", headers: auth)
            _ = try await http.send(.get, "/v1/audit/query?limit=abc&token=\(secret)", headers: auth)
            _ = try await http.send(.get, "/nowhere?token=\(secret)", headers: auth)
            _ = try await http.send(.get, "/health", headers: auth)
            // Spend the bucket: the 429 path logs nothing secret either. (The invalid token makes
            // validate and audit 401 before the limiter; verify and keys are open and limited.)
            for _ in 0..<6 { _ = try await http.send(.get, "/v1/keys", headers: auth) }
        }
        #expect(logs.requestLines.count == 12)
        #expect(logs.requestLines.contains { $0["status"] == "429" })
        for line in logs.all {
            #expect(!line.contains(secret), "leaked in: \(line)")
            #expect(!line.lowercased().contains("bearer"), "leaked in: \(line)")
        }
    }
}

/// `JSONLogHandler` rendering, with no I/O.
struct JSONLogHandlerTests {
    private let at = Timestamp(microseconds: 1_795_000_000_123_456)

    @Test func aLineHasTheStandardFieldsAndEveryMetadataEntry() throws {
        let line = JSONLogHandler.line(
            timestamp: at, level: .warning, label: "relay-gateway", message: "request",
            metadata: ["request_id": "r1", "status": .stringConvertible(200), "nested": ["a": ["x", "y"]]])
        let json = try JSONParser.parse(Array(line.utf8))
        #expect(json["timestamp"] == .string(at.iso8601))
        #expect(json["level"] == "warning")
        #expect(json["label"] == "relay-gateway")
        #expect(json["message"] == "request")
        #expect(json["request_id"] == "r1")
        #expect(json["status"] == "200")
        #expect(json["nested"] == ["a": ["x", "y"]])
    }

    @Test func metadataNamedLikeAStandardFieldDoesNotOverwriteIt() throws {
        let line = JSONLogHandler.line(timestamp: at, level: .info, label: "l", message: "real", metadata: ["message": "fake", "level": "x"])
        let json = try JSONParser.parse(Array(line.utf8))
        #expect(json["message"] == "real")
        #expect(json["level"] == "info")
        #expect(json["metadata.message"] == "fake")
        #expect(json["metadata.level"] == "x")
    }

    @Test func controlCharactersCannotBreakTheLine() throws {
        let line = JSONLogHandler.line(timestamp: at, level: .info, label: "l", message: "two\nlines\r\u{0}", metadata: ["k": "a\nb"])
        #expect(!line.contains("\n"))
        #expect(!line.contains("\r"))
        let json = try JSONParser.parse(Array(line.utf8))
        #expect(json["message"] == "two\nlines\r\u{0}")
    }

    @Test func theHandlerMergesLoggerProviderAndEventMetadata() throws {
        let logs = LogCapture()
        var logger = logs.logger(level: .debug)
        logger[metadataKey: "request_id"] = "r9"
        logger.trace("hidden")
        logger.debug("shown", metadata: ["k": "v"])
        let entries = logs.entries
        #expect(entries.count == 1)
        #expect(entries.first?["request_id"] == "r9")
        #expect(entries.first?["k"] == "v")
        #expect(entries.first?["label"] == "capture")
    }
}
