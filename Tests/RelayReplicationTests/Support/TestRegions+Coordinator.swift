import AsyncHTTPClient
import RelayReplication

extension TestRegions {
    /// Three regions whose relay-dr accept `token` on `POST /v1/control`, with their gateways
    /// running, and a coordinator's client for them (shut down also when `body` throws).
    static func withCoordinator(token: String, _ body: @Sendable (TestRegions, RegionClient) async throws -> Void) async throws {
        try await TestRegions.with(configure: { $0.adminToken = token }) { regions in
            for n in regions.nodes { try await regions.startGateway(n.id) }
            try await regions.waitUntilListening()
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            do {
                try await body(regions, RegionClient(regions: regions.regions, client: http, adminToken: token))
            } catch {
                try? await http.shutdown()
                throw error
            }
            try? await http.shutdown()
        }
    }
}
