import Foundation
import RelayCore
import RelayGateway
import Testing

/// `/metrics` over real HTTP: the numbers move with the requests made.
struct MetricsTests {
    @Test func validateCallsMoveTheRequestDecisionAndLatencySeries() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let before = try await http.scrape()
            for _ in 0..<3 { #expect(try await http.validate(sampleManifest()).status == 200) }
            let denied = try await http.validate(sampleManifest(parameters: ["amount": 900_000, "currency": "usd"]))
            #expect(denied.json["approved"] == false)
            let after = try await http.scrape()

            func delta(_ name: String, _ labels: [String: String] = [:]) throws -> Double {
                try after.value(name, labels) - before.value(name, labels)
            }
            let validateOK = ["route": "/v1/manifest/validate", "method": "POST", "status": "200"]
            #expect(try delta("relay_http_requests_total", validateOK) == 4)
            #expect(try delta("relay_http_request_duration_seconds_count", ["route": "/v1/manifest/validate"]) == 4)
            #expect(try delta("relay_http_request_duration_seconds_bucket", ["route": "/v1/manifest/validate", "le": "+Inf"]) == 4)
            #expect(try delta("relay_decisions_total", ["decision": "approved"]) == 3)
            #expect(try delta("relay_decisions_total", ["decision": "denied"]) == 1)
            #expect(try delta("relay_policy_engine_duration_seconds_count", ["engine": "builtin"]) == 4)
            #expect(try delta("relay_policy_engine_errors_total", ["engine": "builtin"]) == 0)
            // The first scrape itself was counted by the time of the second.
            #expect(try after.value("relay_http_requests_total", ["route": "/metrics", "method": "GET", "status": "200"]) >= 1)
        }
    }

    @Test func theExpositionHasThePrometheusContentTypeAndEverySeries() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            _ = try await http.send(.get, "/health")
            let r = try await http.send(.get, "/metrics")
            #expect(r.status == 200)
            #expect(r.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let scrape = try MetricsScrape(r.raw)
            for name in [
                "relay_http_requests_total", "relay_http_request_duration_seconds_bucket", "relay_decisions_total",
                "relay_policy_engine_errors_total", "relay_db_connections_in_use", "relay_seals_executed_total",
            ] {
                #expect(scrape.has(name), "\(name) missing")
            }
            #expect(r.raw.contains("# TYPE relay_http_request_duration_seconds histogram"))
            #expect(try scrape.value("relay_db_connections_in_use") == 0)
            // Buckets from 1 ms to 10 s.
            let les = scrape.samples.filter { $0.name == "relay_http_request_duration_seconds_bucket" && $0.labels["route"] == "/health" }
                .compactMap { $0.labels["le"] }
            #expect(les.first == "0.001")
            #expect(les.contains("10.0") || les.contains("10"))
            #expect(les.last == "+Inf")
        }
    }

    @Test func routesAreLabelledByTemplateNeverByRawPath() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            #expect(try await http.send(.get, "/v1/seal/verify?seal_id=seal_nope").status == 404)
            #expect(try await http.send(.get, "/no/such/path/12345").status == 404)
            #expect(try await http.send(.get, "/no/such/path/67890").status == 404)
            let scrape = try await http.scrape()
            #expect(try scrape.value("relay_http_requests_total", ["route": "/v1/seal/verify", "method": "GET", "status": "404"]) == 1)
            #expect(try scrape.value("relay_http_requests_total", ["route": "unmatched", "method": "GET", "status": "404"]) == 2)
            #expect(!scrape.text.contains("12345"))
            #expect(!scrape.text.contains("seal_nope"))
        }
    }

    @Test func executingASealCountsOnceAndARefusedExecutionNotAtAll() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let issued = try await http.validate(sampleManifest())
            let id = try #require(issued.json["seal"]?["seal_id"]?.stringValue)
            let before = try await http.scrape().value("relay_seals_executed_total")
            #expect(try await http.request(.post, "/v1/seal/mark-executed?seal_id=\(id)").status == 200)
            #expect(try await http.request(.post, "/v1/seal/mark-executed?seal_id=\(id)").status == 400)
            let after = try await http.scrape()
            #expect(try after.value("relay_seals_executed_total") - before == 1)
            #expect(try after.value("relay_http_requests_total", ["route": "/v1/seal/mark-executed", "status": "400"]) == 1)
        }
    }

    @Test func aFailingPolicyEngineCountsAnErrorAndA503() async throws {
        let gw = try await TestGateway.make(policy: FailingPolicyEngine())
        try await gw.run { http in
            #expect(try await http.validate(sampleManifest()).status == 503)
            let scrape = try await http.scrape()
            #expect(try scrape.value("relay_policy_engine_errors_total", ["engine": "builtin"]) == 1)
            #expect(try scrape.value("relay_policy_engine_duration_seconds_count", ["engine": "builtin"]) == 1)
            #expect(try scrape.value("relay_decisions_total", ["decision": "approved"]) == 0)
            #expect(try scrape.value("relay_decisions_total", ["decision": "denied"]) == 0)
            #expect(try scrape.value("relay_http_requests_total", ["route": "/v1/manifest/validate", "status": "503"]) == 1)
        }
    }
}

/// `GatewayMetrics` alone (no HTTP).
struct GatewayMetricsTests {
    @Test func nonStandardMethodsShareOneLabelValue() throws {
        let metrics = GatewayMetrics(policyEngine: "builtin")
        metrics.recordRequest(route: "unmatched", method: "BREW", status: 404, duration: .milliseconds(3))
        metrics.recordRequest(route: "unmatched", method: "X-ANYTHING", status: 404, duration: .milliseconds(3))
        metrics.recordRequest(route: "unmatched", method: "GET", status: 404, duration: .milliseconds(3))
        let scrape = try MetricsScrape(metrics.exposition(dbConnectionsInUse: 0))
        #expect(try scrape.value("relay_http_requests_total", ["method": "OTHER"]) == 2)
        #expect(try scrape.value("relay_http_requests_total", ["method": "GET"]) == 1)
        #expect(!scrape.text.contains("BREW"))
    }

    @Test func latenciesLandInTheirBuckets() throws {
        let metrics = GatewayMetrics(policyEngine: "builtin")
        metrics.recordRequest(route: "/r", method: "GET", status: 200, duration: .microseconds(500))
        metrics.recordRequest(route: "/r", method: "GET", status: 200, duration: .milliseconds(40))
        metrics.recordRequest(route: "/r", method: "GET", status: 200, duration: .seconds(30))
        let scrape = try MetricsScrape(metrics.exposition(dbConnectionsInUse: 7))
        let bucket = { (le: String) in try scrape.value("relay_http_request_duration_seconds_bucket", ["route": "/r", "le": le]) }
        #expect(try bucket("0.001") == 1)
        #expect(try bucket("0.025") == 1)
        #expect(try bucket("0.05") == 2)
        #expect(try bucket("+Inf") == 3)
        #expect(try scrape.value("relay_http_request_duration_seconds_count", ["route": "/r"]) == 3)
        #expect(try scrape.value("relay_db_connections_in_use") == 7)
    }

    @Test func eachInstanceHasItsOwnRegistry() throws {
        let a = GatewayMetrics(policyEngine: "builtin")
        let b = GatewayMetrics(policyEngine: "builtin")
        a.recordSealExecuted()
        #expect(try MetricsScrape(a.exposition(dbConnectionsInUse: 0)).value("relay_seals_executed_total") == 1)
        #expect(try MetricsScrape(b.exposition(dbConnectionsInUse: 0)).value("relay_seals_executed_total") == 0)
    }
}
