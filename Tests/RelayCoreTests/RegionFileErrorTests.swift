import Foundation
import RelayCore
import RelaySystem
import RelayTestSupport
import Testing

/// Every way a region file can be wrong is reported as `file:line: reason`.
struct RegionFileErrorTests {
    private let file = "us-east-1.yaml"

    /// `RegionFixtures.yaml()` with line `number` (1-based) replaced by `replacement`.
    private func replacing(line number: Int, with replacement: String, in text: String = RegionFixtures.yaml()) -> String {
        var lines = text.components(separatedBy: "\n")
        lines[number - 1] = replacement
        return lines.joined(separator: "\n")
    }

    @Test func theFixtureItselfLoads() throws {
        #expect(try RegionFixtures.fileError(RegionFixtures.yaml()) == nil)
    }

    @Test func aYAMLSyntaxErrorNamesItsLine() throws {
        let error = try #require(try RegionFixtures.fileError(replacing(line: 6, with: "  port: [55431")))
        #expect(error.file == file)
        #expect(error.line == 7)
        #expect(error.reason.hasPrefix("YAML syntax error: "))
    }

    @Test func anUnknownKeyListsTheExpectedKeysAndSuggestsOne() throws {
        let error = try #require(try RegionFixtures.fileError(replacing(line: 21, with: "  rpo_second: 5")))
        #expect(error.line == 21)
        #expect(
            error.reason
                == "unknown key 'rpo_second' in targets (expected one of: rpo_seconds, rto_seconds, max_lag_on_failover); did you mean 'rpo_seconds'?"
        )
        let top = try #require(try RegionFixtures.fileError(RegionFixtures.yaml() + "region: x\n"))
        #expect(top.line == 24)
        #expect(top.reason.hasPrefix("unknown key 'region' at top level (expected one of: id, gateway_url, dr_url, database, keys, targets, hooks)"))
    }

    @Test func aWrongTypeSaysWhatWasExpected() throws {
        let port = try #require(try RegionFixtures.fileError(replacing(line: 6, with: "  port: \"55431\"")))
        #expect(port.line == 6)
        #expect(port.reason == "database.port: expected a number, got string '55431'")
        let rpo = try #require(try RegionFixtures.fileError(replacing(line: 21, with: "  rpo_seconds: 5_000")))
        #expect(rpo.line == 21)
        #expect(rpo.reason.contains("'5_000' is not a plain decimal number"))
        let keys = try #require(try RegionFixtures.fileError(
            RegionFixtures.yaml().replacingOccurrences(of: "  rpo_seconds: 5\n", with: "  rpo_seconds: 2.5\n")))
        #expect(keys.reason == "targets.rpo_seconds: expected a whole number, got number 2.5")
        let id = try #require(try RegionFixtures.fileError(replacing(line: 1, with: "id: [us-east-1]")))
        #expect(id.line == 1)
        #expect(id.reason == "id: expected a string, got a list")
    }

    @Test func aMissingKeyIsNamed() throws {
        let dr = try #require(try RegionFixtures.fileError(replacing(line: 3, with: "")))
        #expect(dr.line == 1)
        #expect(dr.reason == "missing required key 'dr_url' at top level")
        let host = try #require(try RegionFixtures.fileError(replacing(line: 5, with: "")))
        #expect(host.line == 6)
        #expect(host.reason == "missing required key 'host' or 'host_env' in database")
        let keyID = try #require(try RegionFixtures.fileError(replacing(line: 13, with: "")))
        #expect(keyID.line == 12)
        #expect(keyID.reason == "missing required key 'key_id' in keys[0]")
    }

    @Test func aKeyIDThatDoesNotMatchThePublicKeyIsRejected() throws {
        let seal = RegionFixtures.key(.seal)
        let error = try #require(try RegionFixtures.fileError(replacing(line: 13, with: "    key_id: \"0123456789abcdef\"")))
        #expect(error.line == 13)
        #expect(error.reason.hasPrefix("keys[0].key_id: '0123456789abcdef' does not match public_key (its key_id is "))
        // The right key_id of the same key loads.
        #expect(try RegionFixtures.fileError(RegionFixtures.yaml(seal: seal)) == nil)
        let upper = try #require(try RegionFixtures.fileError(
            replacing(line: 13, with: "    key_id: \"\(seal.keyID.uppercased())\"", in: RegionFixtures.yaml(seal: seal))))
        #expect(upper.reason.contains("is not 16 lower-case hex characters"))
    }

    /// A key entry whose public key is `bytes` (and whose key_id matches it, so only the key is wrong).
    private func entryError(publicKey bytes: [UInt8]) throws -> ConfigFileError? {
        let text = RegionFixtures.yaml()
        var lines = text.components(separatedBy: "\n")
        lines[12] = "    key_id: \"\(SigningKey.keyID(of: bytes))\""
        lines[13] = "    public_key: \"\(Base64.encode(bytes))\""
        return try RegionFixtures.fileError(lines.joined(separator: "\n"))
    }

    @Test func aSmallOrderPublicKeyIsRejected() throws {
        var order8 = Array(Hex.decodeForTests("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"))
        order8[31] |= 0x80
        let error = try #require(try entryError(publicKey: order8))
        #expect(error.file == file)
        #expect(error.line == 14)
        #expect(error.reason.hasPrefix("keys[0].public_key: public key rejected: it is a small-order point"))
    }

    @Test func aNonCanonicalPublicKeyIsRejected() throws {
        // y = p + 2: the non-canonical spelling of y = 2.
        let error = try #require(try entryError(publicKey: [0xEF] + Array(repeating: 0xFF, count: 30) + [0x7F]))
        #expect(error.line == 14)
        #expect(error.reason == "keys[0].public_key: public key rejected: it is a non-canonical encoding (y >= 2^255 - 19)")
        let short = try #require(try entryError(publicKey: Array(repeating: 7, count: 31)))
        #expect(short.reason == "keys[0].public_key: expected the base64 of a 32-byte Ed25519 public key")
    }

    @Test(arguments: [
        ("ftp://relay.example.com", "must use http or https"),
        ("https://", "has no host"),
        ("https://user:pw@relay.example.com", "must not carry credentials"),
        ("https://relay.example.com/?x=1", "must not have a query or fragment"),
        ("relay.example.com", "is not a URL"),
        ("https://relay.example.com:70000", "has a port outside 1-65535"),
    ])
    func aBadURLIsRejected(url: String, why: String) throws {
        let error = try #require(try RegionFixtures.fileError(replacing(line: 2, with: "gateway_url: \"\(url)\"")))
        #expect(error.line == 2)
        #expect(error.reason.hasPrefix("gateway_url: '\(url)' "))
        #expect(error.reason.contains(why), "\(error)")
    }

    @Test func aDuplicateRegionIDInADirectoryIsRejected() throws {
        let error = try #require(try RegionFixtures.loadError([
            "us-east-1.yaml": RegionFixtures.yaml(), "us-east-1.yml": RegionFixtures.yaml(),
        ]))
        #expect(error.file == "us-east-1.yml")
        #expect(error.line == 1)
        #expect(error.reason.hasPrefix("duplicate region id 'us-east-1' (also defined at "))
        #expect(error.reason.hasSuffix("us-east-1.yaml:1)"))
    }

    @Test func anIDThatDiffersFromTheFileNameIsRejected() throws {
        let error = try #require(try RegionFixtures.fileError(RegionFixtures.yaml(id: "eu-west-1")))
        #expect(error.file == file)
        #expect(error.line == 1)
        #expect(error.reason == "id: 'eu-west-1' does not match the file name 'us-east-1' (a region file is named <id>.yaml)")
        let bad = try #require(try RegionFixtures.fileError(RegionFixtures.yaml(id: "US_East"), name: "US_East.yaml"))
        #expect(bad.reason == "id: 'US_East' is not a region id (1-40 characters of a-z, 0-9 and '-')")
    }

    @Test func validityMustRunForwardAndNeedsAZone() throws {
        let backwards = try #require(try RegionFixtures.fileError(
            replacing(line: 15, with: "    valid_from: 2026-01-01T00:00:00Z\n    valid_until: 2025-01-01T00:00:00Z")))
        #expect(backwards.line == 16)
        #expect(backwards.reason == "keys[0].valid_until: 2025-01-01T00:00:00Z is not after valid_from 2026-01-01T00:00:00Z")
        let naive = try #require(try RegionFixtures.fileError(replacing(line: 15, with: "    valid_from: \"2026-01-01T00:00:00\"")))
        #expect(naive.reason.contains("has no time zone"))
        let date = try #require(try RegionFixtures.fileError(replacing(line: 15, with: "    valid_from: 2026-13-01T00:00:00Z")))
        #expect(date.line == 15)
        #expect(date.reason.hasPrefix("keys[0].valid_from: invalid datetime"))
    }

    @Test func passwordsAreNeverInline() throws {
        let error = try #require(try RegionFixtures.fileError(replacing(line: 9, with: "  password: hunter2")))
        #expect(error.line == 9)
        #expect(error.reason.hasPrefix("database.password: passwords are never written in region files"))
        #expect(!error.description.contains("hunter2"))
        let both = try #require(try RegionFixtures.fileError(replacing(line: 5, with: "  host: db\n  host_env: RELAY_DB_HOST")))
        #expect(both.reason == "database: give one of host or host_env, not both")
    }

    @Test func everyRegionNeedsASealAndALedgerKey() throws {
        let ledger = RegionFixtures.key(.ledger)
        let text = RegionFixtures.yaml(seal: RegionFixtures.key(.ledger), ledger: ledger)
        let error = try #require(try RegionFixtures.fileError(text))
        #expect(error.line == 12)
        #expect(error.reason.hasPrefix("keys: no seal key"))
        let twice = try #require(try RegionFixtures.fileError(RegionFixtures.yaml(seal: RegionFixtures.key(.seal), ledger: ledger)
            .replacingOccurrences(of: "targets:", with: ledger.yamlEntry + "targets:")))
        #expect(twice.line == 20)
        #expect(twice.reason.hasPrefix("keys[2]: key_id \(ledger.keyID) is listed twice (first at line 16)"))
    }

    @Test func directoryProblemsNameTheDirectory() throws {
        try TemporaryDirectory.with(prefix: "relay-regions-") { directory in
            let empty = directory.path
            #expect(throws: ConfigFileError(file: empty, line: nil, reason: "no region files (*.yaml) found")) {
                try RegionSet.load(directory: empty)
            }
            #expect(throws: ConfigFileError(file: empty + "/nope", line: nil, reason: "cannot read region directory (does it exist?)")) {
                try RegionSet.load(directory: empty + "/nope")
            }
        }
        let emptyFile = try #require(try RegionFixtures.fileError(""))
        #expect(emptyFile.reason.hasPrefix("file is empty"))
        #expect(ConfigFileError(file: "r/x.yaml", line: 3, reason: "bad").description == "r/x.yaml:3: bad")
    }
}
