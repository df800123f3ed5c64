import Foundation
import RelayCore
import RelayLocal
import Testing

/// `mark-executed` for seal ids that do not name this region: forwarded to a configured home
/// region; an id that is malformed, or names a region that is not configured (and of which no
/// replicated copy is here), names no seal and gets the same 404 as `GET /v1/seal/verify`.
struct SealHomeRegionTests {
    /// A gateway of region test-1 whose regions also list test-2, at a loopback port nothing
    /// listens on (so forwarding to test-2 always fails to connect).
    private func gateway(withPeer: Bool = true) async throws -> TestGateway {
        let closedPort = try LoopbackPort.pickFree()
        return try await TestGateway.make { config in
            guard withPeer else { return }
            func region(_ id: String, _ keys: [RegionKey]) -> Region {
                Region(
                    id: id, gatewayURL: URL(string: "http://127.0.0.1:\(closedPort)")!, drURL: URL(string: "http://127.0.0.1:\(closedPort)")!,
                    database: RegionDatabase(host: .literal("127.0.0.1"), tls: .disable), keys: keys)
            }
            let own = RegionKey(purpose: .seal, publicKey: config.sealKey.publicKey, validFrom: Timestamp(microseconds: 0))
            let peer = RegionKey(purpose: .seal, publicKey: SigningKey.generate().key.publicKey, validFrom: Timestamp(microseconds: 0))
            config.regions = try! RegionSet(regions: [region("test-1", [own]), region("test-2", [peer])])
        }
    }

    /// Checks that mark-executed answers `id` with verify's 404, word for word.
    private func expectNotFound(_ id: String, _ http: HTTPTestClient, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let query = try #require(id.addingPercentEncoding(withAllowedCharacters: Self.queryText), sourceLocation: sourceLocation)
        let verify = try await http.request(.get, "/v1/seal/verify?seal_id=\(query)")
        let execute = try await http.request(.post, "/v1/seal/mark-executed?seal_id=\(query)")
        #expect(verify.status == 404, "verify \(id)", sourceLocation: sourceLocation)
        #expect(execute.status == 404, "mark-executed \(id): \(execute.raw)", sourceLocation: sourceLocation)
        #expect(execute.json == ["detail": "Seal not found"], "mark-executed \(id)", sourceLocation: sourceLocation)
        #expect(execute.json == verify.json, "mark-executed \(id)", sourceLocation: sourceLocation)
    }

    /// Characters sent as they are in a query value; every other one is percent-encoded.
    private static let queryText = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_"))

    private let hex = String(repeating: "0123456789abcdef", count: 2)

    @Test func malformedSealIDsAre404LikeVerify() async throws {
        let gw = try await gateway()
        let malformed = [
            "seal_does_not_exist", "seal_test-2_nope", "seal_x", "seal_", "seal", "nope",
            "seal__\(hex)", "seal_test-2_\(hex.dropLast())", "seal_test-2_\(hex)0", "seal_test-2_\(hex.uppercased())",
            "seal_Test-2_\(hex)", "seal_test-2_\(hex)_x", "seal_test-2_\(hex)&seal_id=x", "seal_test-2/../x_\(hex)",
            "x_test-2_\(hex)", "seal_\(String(repeating: "a", count: 41))_\(hex)",
        ]
        try await gw.run { http in
            for id in malformed { try await expectNotFound(id, http) }
        }
        #expect(try await gw.rowCounts() == "0,0,0")
    }

    @Test func aWellFormedIDOfARegionThatIsNotConfiguredIs404() async throws {
        let withRegions = try await gateway()
        try await withRegions.run { http in
            try await expectNotFound("seal_eu-west-9_\(hex)", http)
        }
        // Without RELAY_REGIONS_DIR no other region is configured.
        let alone = try await gateway(withPeer: false)
        try await alone.run { http in
            try await expectNotFound("seal_test-2_\(hex)", http)
        }
    }

    @Test func aWellFormedIDOfThisRegionThatDoesNotExistIs404() async throws {
        let gw = try await gateway()
        try await gw.run { http in
            try await expectNotFound(Seal.makeID(region: "test-1"), http)
        }
    }

    @Test func aSealOfAConfiguredRegionThatCannotBeReachedIsRefusedWithRetryLater() async throws {
        let gw = try await gateway()
        let id = Seal.makeID(region: "test-2")
        try await gw.run { http in
            let reply = try await http.request(.post, "/v1/seal/mark-executed?seal_id=\(id)")
            #expect(reply.status == 409)
            #expect(reply.json["home_region"] == "test-2")
            let detail = try #require(reply.json["detail"]?.stringValue)
            #expect(detail.hasPrefix("Seal \(id) belongs to region test-2 and executes only there; test-2 could not be reached ("), "\(detail)")
            #expect(detail.hasSuffix("). Nothing was executed; retry later or re-validate."), "\(detail)")
        }
        #expect(try await gw.rowCounts() == "0,0,0")
    }

    @Test func aSealOfAnUnconfiguredRegionThatIsHereAsACopyIsRefusedNot404() async throws {
        // Region eu-west-9 issues a seal; a gateway of test-1 on the same database (where
        // replication would have put the copy) does not list eu-west-9.
        let home = try await TestGateway.make { $0.region = "eu-west-9" }
        let id = try await home.run { http in
            try #require(try await http.validate(sampleManifest()).json["seal"]?["seal_id"]?.stringValue)
        }
        let here = try await TestGateway.make(configure: { $0.database = home.services.configuration.database })
        try await here.run { http in
            #expect(try await http.request(.get, "/v1/seal/verify?seal_id=\(id)").status == 200)
            let reply = try await http.request(.post, "/v1/seal/mark-executed?seal_id=\(id)")
            #expect(reply.status == 409)
            #expect(reply.json["home_region"] == "eu-west-9")
            #expect(reply.json["detail"]?.stringValue?.contains("region eu-west-9 is not in RELAY_REGIONS_DIR") == true, "\(reply.raw)")
        }
        #expect(try await home.rowCounts() == "1,1,0")
    }
}
