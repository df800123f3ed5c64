import Foundation
import RelayCore
import RelayGateway
import RelayLocal
import RelaySystem
import RelayTestSupport
import Testing

/// `RELAY_REGIONS_DIR`: the gateway loads every region, trusts and serves their seal keys.
struct RegionKeysTests {
    static let localRegions = TestGateway.repoRoot + "/regions/local"

    /// A development seed of the local topology (committed, so read it rather than load it as a 0644 file).
    static func devSeed(_ region: String, _ purpose: String) throws -> String {
        try String(contentsOfFile: "\(localRegions)/dev-keys/\(region)-\(purpose).key", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func environment(_ extra: [String: String]) throws -> [String: String] {
        [
            "RELAY_REGION": "us-east-1", "RELAY_PRIVATE_KEY": try Self.devSeed("us-east-1", "seal"),
            "RELAY_JWT_SECRET": String(repeating: "s", count: 32), "RELAY_REGIONS_DIR": Self.localRegions,
        ].merging(extra) { $1 }
    }

    private func configurationError(_ environment: [String: String]) -> ConfigurationError? {
        do {
            _ = try GatewayConfiguration.fromEnvironment(environment)
            return nil
        } catch { return error }
    }

    @Test func theLocalRegionsLoadAndEverySealKeyIsTrusted() throws {
        let config = try GatewayConfiguration.fromEnvironment(try environment([:]))
        let regions = try #require(config.regions)
        #expect(regions.ids == ["ap-southeast-2", "eu-west-1", "us-east-1"])
        let sealKeys = regions.allKeys(purpose: .seal).map(\.key)
        #expect(sealKeys.count == 3)
        #expect(config.trustedSealKeys.count == 3)
        for key in sealKeys { #expect(config.trustedSealKeys[key.keyID] == key.publicKey) }
        for (_, key) in regions.allKeys(purpose: .ledger) { #expect(config.trustedSealKeys[key.keyID] == nil) }
        // Unset, nothing changes: the gateway trusts only its own key.
        let plain = try GatewayConfiguration.fromEnvironment(try environment(["RELAY_REGIONS_DIR": ""]))
        #expect(plain.regions == nil)
        #expect(plain.trustedSealKeys == [plain.sealKey.keyID: plain.sealKey.publicKey])
    }

    @Test func aBadRegionFileStopsStartUpWithFileLineAndReason() throws {
        try TemporaryDirectory.with(prefix: "relay-gw-regions-") { temporary in
            let directory = temporary.path
            let text = try String(contentsOfFile: Self.localRegions + "/eu-west-1.yaml", encoding: .utf8)
            try FileManager.default.copyItem(atPath: Self.localRegions + "/us-east-1.yaml", toPath: directory + "/us-east-1.yaml")
            try text.replacingOccurrences(of: "rpo_seconds: 5", with: "rpo_secs: 5")
                .write(toFile: directory + "/eu-west-1.yaml", atomically: true, encoding: .utf8)
            let line = try #require(text.components(separatedBy: "\n").firstIndex { $0.contains("rpo_seconds") }) + 1
            let error = try #require(configurationError(try environment(["RELAY_REGIONS_DIR": directory])))
            #expect(error.setting == "RELAY_REGIONS_DIR")
            #expect(error.reason.hasPrefix("\(directory)/eu-west-1.yaml:\(line): unknown key 'rpo_secs' in targets"))
        }
    }

    @Test func theGatewaysOwnRegionAndKeyMustBeListed() throws {
        let missing = try #require(configurationError(try environment(["RELAY_REGION": "sa-east-1"])))
        #expect(missing.setting == "RELAY_REGIONS_DIR")
        #expect(missing.reason.contains("has no file for RELAY_REGION 'sa-east-1' (regions: ap-southeast-2, eu-west-1, us-east-1)"))
        let stranger = try #require(configurationError(try environment(["RELAY_PRIVATE_KEY": try Self.devSeed("eu-west-1", "seal")])))
        #expect(stranger.setting == "RELAY_REGIONS_DIR")
        #expect(stranger.reason.contains("us-east-1.yaml lists no seal key with key_id"))
        // A ledger key is not a seal key.
        let ledger = try #require(configurationError(try environment(["RELAY_PRIVATE_KEY": try Self.devSeed("us-east-1", "ledger")])))
        #expect(ledger.reason.contains("lists no seal key"))
        let nowhere = try #require(configurationError(try environment(["RELAY_REGIONS_DIR": "/nonexistent/regions"])))
        #expect(nowhere.description == "RELAY_REGIONS_DIR: /nonexistent/regions: cannot read region directory (does it exist?)")
    }

    @Test func theSealKeyFileGoesThroughTheSharedKeyLoader() throws {
        try TemporaryDirectory.with(prefix: "relay-gw-keys-") { directory in
            let path = directory.path("seal.key")
            try KeyFile.create(at: path, seed: Base64.decode(try Self.devSeed("us-east-1", "seal"))!)
            let config = try GatewayConfiguration.fromEnvironment(
                try environment(["RELAY_PRIVATE_KEY": "", "RELAY_PRIVATE_KEY_FILE": path]))
            #expect(config.sealKey.keyID == (try SigningKey(base64Seed: try Self.devSeed("us-east-1", "seal"))).keyID)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
            let exposed = try #require(configurationError(try environment(["RELAY_PRIVATE_KEY": "", "RELAY_PRIVATE_KEY_FILE": path])))
            #expect(exposed.description == "RELAY_PRIVATE_KEY_FILE: \(path) is readable or writable by group or others (mode 644); chmod 600 it")
            try "junk".write(toFile: path, atomically: false, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            let junk = try #require(configurationError(try environment(["RELAY_PRIVATE_KEY": "", "RELAY_PRIVATE_KEY_FILE": path])))
            #expect(junk.setting == "RELAY_PRIVATE_KEY_FILE")
            #expect(junk.reason.hasPrefix("\(path): Ed25519 seed"))
            #expect(!junk.description.contains("junk"))
        }
    }

    @Test func keysListsTheSealKeysOfEveryRegionWithStatus() async throws {
        let retired = RegionKey(
            purpose: .seal, publicKey: SigningKey.generate().key.publicKey,
            validFrom: try Timestamp(iso8601: "2025-01-01T00:00:00Z"), validUntil: try Timestamp(iso8601: "2026-01-01T00:00:00Z"))
        let peerSeal = RegionKey(purpose: .seal, publicKey: SigningKey.generate().key.publicKey, validFrom: Timestamp(microseconds: 0))
        let gw = try await TestGateway.make { config in
            let own = RegionKey(purpose: .seal, publicKey: config.sealKey.publicKey, validFrom: try! Timestamp(iso8601: "2026-01-01T00:00:00Z"))
            func region(_ id: String, _ keys: [RegionKey]) -> Region {
                Region(
                    id: id, gatewayURL: URL(string: "http://127.0.0.1:1")!, drURL: URL(string: "http://127.0.0.1:2")!,
                    database: RegionDatabase(host: .literal("127.0.0.1"), tls: .disable),
                    keys: keys + [RegionKey(purpose: .ledger, publicKey: SigningKey.generate().key.publicKey, validFrom: Timestamp(microseconds: 0))])
            }
            config.regions = try! RegionSet(regions: [region("test-1", [retired, own]), region("test-2", [peerSeal])])
        }
        #expect(gw.services.trustedSealKeys.count == 3)
        #expect(gw.services.trustedSealKeys[peerSeal.keyID] == peerSeal.publicKey)
        try await gw.run { http in
            let reply = try await http.request(.get, "/v1/keys")
            #expect(reply.status == 200)
            let keys = try #require(reply.json["keys"]?.arrayValue)
            #expect(keys.count == 3)
            let byID = Dictionary(uniqueKeysWithValues: keys.map { ($0["key_id"]?.stringValue ?? "", $0) })
            let old = try #require(byID[retired.keyID])
            #expect(old["region"] == "test-1")
            #expect(old["status"] == "retired")
            #expect(old["valid_from"] == "2025-01-01T00:00:00.000000Z")
            #expect(old["valid_until"] == "2026-01-01T00:00:00.000000Z")
            #expect(old["public_key"] == .string(Base64.encode(retired.publicKey)))
            let own = try #require(byID[gw.services.configuration.sealKey.keyID])
            #expect(own["status"] == "current")
            #expect(own["valid_until"] == .null)
            #expect(own["purpose"] == "seal" && own["algorithm"] == "Ed25519")
            let peer = try #require(byID[peerSeal.keyID])
            #expect(peer["region"] == "test-2")
            #expect(peer["status"] == "current")
        }
    }

    @Test func theGatewayBinaryExitsWith2OnABadRegionFile() async throws {
        try await TemporaryDirectory.with(prefix: "relay-gw-regions-") { directory in
            try "id: us-east-1\ngateway_url: [\n".write(toFile: directory.path("us-east-1.yaml"), atomically: true, encoding: .utf8)
            let exit = try await GatewayBinary.exitStatus(environment: try environment(["RELAY_REGIONS_DIR": directory.path]))
            let (status, text) = try #require(exit, "relay-gateway kept running")
            #expect(status == 2)
            #expect(
                text.hasPrefix("relay-gateway: configuration error: RELAY_REGIONS_DIR: \(directory.path)/us-east-1.yaml:3: YAML syntax error"),
                "\(text)")
        }
    }
}
