import Foundation
import RelayCore
import RelaySystem
import RelayTestSupport
import Testing

/// The shipped region files load; region sets answer which keys to trust when.
struct RegionSetTests {
    @Test func theShippedProductionExamplesLoad() throws {
        let regions = try RegionSet.load(directory: RegionFixtures.repoRoot + "/regions")
        #expect(regions.ids == ["ap-southeast-2", "eu-west-1", "us-east-1"])
        for region in regions.regions {
            #expect(region.gatewayURL.scheme == "https")
            #expect(region.drURL.absoluteString.hasPrefix("https://relay-dr.\(region.id)."))
            #expect(region.database.tls == .verifyFull)
            #expect(!region.keys(purpose: .seal, at: Timestamp(iso8601Literal: "2026-06-01T00:00:00Z")).isEmpty)
            #expect(!region.keys(purpose: .ledger, at: Timestamp(iso8601Literal: "2026-06-01T00:00:00Z")).isEmpty)
        }
    }

    @Test func theShippedLocalRegionsLoadAndMatchTheirDevelopmentKeys() throws {
        let directory = RegionFixtures.repoRoot + "/regions/local"
        let regions = try RegionSet.load(directory: directory)
        #expect(regions.ids == ["ap-southeast-2", "eu-west-1", "us-east-1"])
        for (index, id) in ["us-east-1", "eu-west-1", "ap-southeast-2"].enumerated() {
            let region = try #require(regions.region(id))
            #expect(region.gatewayURL.absoluteString == "http://127.0.0.1:\(8081 + index)")
            #expect(region.drURL.absoluteString == "http://127.0.0.1:\(9081 + index)")
            #expect(region.database.host == .literal("127.0.0.1"))
            #expect(region.database.port == 55431 + index)
            #expect(region.database.name == "relay")
            #expect(region.database.tls == .disable)
            for purpose in KeyPurpose.allCases {
                // The committed dev seeds are the keys the files list (copied to 0600 first, as the README says).
                let key = try TemporaryDirectory.with(prefix: "relay-keys-") { copies in
                    let copy = copies.path("key")
                    try FileManager.default.copyItem(atPath: "\(directory)/dev-keys/\(id)-\(purpose).key", toPath: copy)
                    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: copy)
                    return try KeySource.file(copy).load(environment: [:])
                }
                let trusted = regions.trustedKeys(purpose: purpose, region: id, at: RelayClock.system.now())
                #expect(trusted == [key.keyID: key.publicKey])
            }
        }
    }

    @Test func theShippedComposeRegionsLoadWithTheLocalDevelopmentKeys() throws {
        let regions = try RegionSet.load(directory: RegionFixtures.repoRoot + "/regions/compose")
        let local = try RegionSet.load(directory: RegionFixtures.repoRoot + "/regions/local")
        #expect(regions.ids == ["ap-southeast-2", "eu-west-1", "us-east-1"])
        for id in regions.ids {
            let region = try #require(regions.region(id))
            // Service names of docker-compose.yml, on the compose network.
            #expect(region.gatewayURL.absoluteString == "http://gateway-\(id):8000")
            #expect(region.drURL.absoluteString == "http://relay-dr-\(id):9000")
            #expect(region.database.host == .literal("postgres-\(id)"))
            #expect(region.database.port == 5432)
            #expect(region.database.password == .file("/run/secrets/db-password"))
            #expect(region.database.tls == .disable)
            // The same (development) keys as the local topology.
            #expect(region.keys == local.region(id)?.keys)
        }
    }

    @Test func trustedKeysFollowValidityWindows() throws {
        let old = RegionFixtures.key(.seal, validFrom: "2025-01-01T00:00:00Z", validUntil: "2026-01-01T00:00:00Z")
        let new = RegionFixtures.key(.seal, validFrom: "2025-12-01T00:00:00Z")
        let ledger = RegionFixtures.key(.ledger, validFrom: "2025-01-01T00:00:00Z")
        let region = Region(
            id: "us-east-1", gatewayURL: URL(string: "http://127.0.0.1:1")!, drURL: URL(string: "http://127.0.0.1:2")!,
            database: RegionDatabase(host: .environment("RELAY_DB_HOST")), keys: [old, new, ledger])
        let set = try RegionSet(regions: [region])
        func trusted(_ purpose: KeyPurpose, _ at: String) -> Set<String> {
            Set(set.trustedKeys(purpose: purpose, region: "us-east-1", at: Timestamp(iso8601Literal: at)).keys)
        }
        #expect(trusted(.seal, "2024-12-31T23:59:59Z") == [])
        #expect(trusted(.seal, "2025-06-01T00:00:00Z") == [old.keyID])
        // Overlapping windows during a rotation: both verify.
        #expect(trusted(.seal, "2025-12-15T00:00:00Z") == [old.keyID, new.keyID])
        // valid_until is exclusive: the retired key no longer covers new signatures…
        #expect(trusted(.seal, "2026-01-01T00:00:00Z") == [new.keyID])
        #expect(trusted(.ledger, "2030-01-01T00:00:00Z") == [ledger.keyID])
        #expect(set.trustedKeys(purpose: .seal, region: "nowhere", at: Timestamp(microseconds: 0)).isEmpty)
        // …but stays listed, so what it signed earlier still verifies.
        #expect(set.allKeys(purpose: .seal).map(\.key.keyID).contains(old.keyID))
        #expect(old.isRetired(at: Timestamp(iso8601Literal: "2026-01-01T00:00:00Z")))
        #expect(!new.isRetired(at: Timestamp(iso8601Literal: "2099-01-01T00:00:00Z")))
    }

    @Test func regionSetsCanBeBuiltInMemoryWithRandomPorts() throws {
        let ports = (0..<3).map { _ in Int.random(in: 20_000...60_000) }
        let regions = try ["r-1", "r-2", "r-3"].enumerated().map { index, id in
            Region(
                id: id, gatewayURL: try #require(URL(string: "http://127.0.0.1:\(ports[index])")),
                drURL: try #require(URL(string: "http://127.0.0.1:\(ports[index] + 1)")),
                database: RegionDatabase(host: .literal("127.0.0.1"), port: ports[index] + 2, tls: .disable),
                keys: [RegionFixtures.key(.seal), RegionFixtures.key(.ledger)],
                targets: RegionTargets(rpoSeconds: 1, rtoSeconds: 60, maxLagOnFailover: 10))
        }
        let set = try RegionSet(regions: regions.reversed())
        #expect(set.ids == ["r-1", "r-2", "r-3"])
        #expect(set.region("r-2")?.database.port == ports[1] + 2)
        #expect(set.region("r-9") == nil)

        #expect(throws: ConfigFileError(file: "<regions>", line: nil, reason: "duplicate region id 'r-1' (also defined at another region)")) {
            try RegionSet(regions: regions + [regions[0]])
        }
        var thief = regions[1]
        thief.id = "r-4"
        #expect(throws: ConfigFileError.self) { try RegionSet(regions: regions + [thief]) }
    }

    @Test func databaseSettingsResolveFromTheEnvironment() {
        let database = RegionDatabase(host: .environment("RELAY_DB_HOST"), user: .literal("relay"), password: .environment("PW"))
        #expect(database.host.resolve(in: ["RELAY_DB_HOST": "db.internal"]) == "db.internal")
        #expect(database.host.resolve(in: [:]) == nil)
        #expect(database.user.resolve(in: [:]) == "relay")
        #expect(database.port == 5432 && database.tls == .require)
    }
}

extension Timestamp {
    /// A timestamp from a literal known to be valid (tests only).
    init(iso8601Literal text: String) {
        self = try! Timestamp(iso8601: text)
    }
}
