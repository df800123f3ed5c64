import RelayCore
import Testing

// A hung dependency must fail the test, not stall the whole run.
@Suite(.timeLimit(.minutes(3)))
struct HealthTests {
    @Test func healthReportsDatabaseAndPolicyEngine() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let h = try await http.request(.get, "/health")
            #expect(h.status == 200)
            #expect(h.json["status"] == "healthy")
            #expect(h.json["components"]?["database"] == "healthy")
            let m = try await http.request(.get, "/v1/manifest/health")
            #expect(m.json["status"] == "healthy")
            #expect(m.json["opa_available"] == false)
            #expect(m.json["policy_engine"] == "builtin")
            #expect(m.json["policy_version"]?.stringValue?.isEmpty == false)
        }
    }

    @Test func keysServeTheSealPublicKeyAndItsID() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            let k = try await http.request(.get, "/v1/keys")
            let key = try #require(k.json["keys"]?.arrayValue?.first)
            let pubText = try #require(key["public_key"]?.stringValue)
            let pub = try #require(Base64.decode(pubText))
            #expect(pub == gw.services.configuration.sealKey.publicKey)
            #expect(key["key_id"] == .string(SigningKey.keyID(of: pub)))
            #expect(key["region"] == "test-1")
            #expect(key["algorithm"] == "Ed25519")
        }
    }

    @Test func healthIs503WhenTheDatabaseIsGone() async throws {
        let gw = try await TestGateway.make()
        try await gw.run { http in
            #expect(try await http.request(.get, "/health").status == 200)
            _ = try await gw.cluster.psql("ALTER DATABASE \(gw.databaseName) ALLOW_CONNECTIONS false", database: "postgres")
            try await SharedClusterAdmin.terminateConnections(to: gw)
            let h = try await http.request(.get, "/health")
            #expect(h.status == 503)
            #expect(h.json["components"]?["database"] == "unhealthy")
            _ = try await gw.cluster.psql("ALTER DATABASE \(gw.databaseName) ALLOW_CONNECTIONS true", database: "postgres")
        }
    }
}

enum SharedClusterAdmin {
    static func terminateConnections(to gw: TestGateway) async throws {
        _ = try await gw.cluster.psql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(gw.databaseName)' AND pid <> pg_backend_pid()",
            database: "postgres")
    }
}
