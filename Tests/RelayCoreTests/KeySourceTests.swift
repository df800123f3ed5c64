import Foundation
import RelayCore
import RelaySystem
import RelayTestSupport
import Testing

/// Keys from `env:`, `file:` and `secret:` sources, and every way they fail.
struct KeySourceTests {
    private let seed = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A="

    /// Writes `content` to `name` in `directory` with `mode`; returns its path.
    private func file(_ content: String, mode: Int, in directory: TemporaryDirectory, name: String = "key") throws -> String {
        let path = directory.path(name)
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try content.write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    @Test func sourcesParseAndPrintBack() throws {
        #expect(try KeySource(parsing: "env:RELAY_LEDGER_KEY") == .environment("RELAY_LEDGER_KEY"))
        #expect(try KeySource(parsing: "file:/etc/relay/ledger.key") == .file("/etc/relay/ledger.key"))
        #expect(try KeySource(parsing: "secret:relay/us-east-1/ledger") == .secret("relay/us-east-1/ledger"))
        #expect(KeySource.secret("relay/us-east-1/ledger").description == "secret:relay/us-east-1/ledger")
        for bad in ["RELAY_KEY", "vault:x", "env:1BAD", "env:", "file:", "secret:../etc/shadow", "secret:/abs", "secret:a//b"] {
            #expect(throws: KeySourceError.self, "\(bad)") { try KeySource(parsing: bad) }
            do { _ = try KeySource(parsing: bad) } catch { #expect(error.kind == .malformedSource) }
        }
    }

    @Test func anEnvironmentVariableSource() throws {
        let key = try KeySource.environment("RELAY_LEDGER_KEY").load(environment: ["RELAY_LEDGER_KEY": seed])
        #expect(key.keyID == (try SigningKey(base64Seed: seed)).keyID)
        #expect(throws: KeySourceError(.notSet, source: "env:RELAY_LEDGER_KEY", reason: "environment variable RELAY_LEDGER_KEY is not set")) {
            try KeySource.environment("RELAY_LEDGER_KEY").load(environment: [:])
        }
        do {
            _ = try KeySource.environment("K").load(environment: ["K": "c2VjcmV0LXNlY3JldA=="])
            Issue.record("a short seed loaded")
        } catch {
            #expect(error.kind == .invalidKey)
            #expect(error.description == "env:K: Ed25519 seed must be 32 bytes, got 13 (expected a base64 32-byte Ed25519 seed)")
            #expect(!error.description.contains("c2VjcmV0"))
        }
    }

    @Test func aFileSourceRefusesFilesOthersCanRead() throws {
        try TemporaryDirectory.with(prefix: "relay-keys-") { directory in
            let path = try file(seed + "\n", mode: 0o600, in: directory)
            #expect(try KeySource.file(path).load(environment: [:]).keyID == (try SigningKey(base64Seed: seed)).keyID)
            let open = try file(seed, mode: 0o640, in: directory, name: "open")
            do throws(KeySourceError) {
                _ = try KeySource.file(open).load(environment: [:])
                Issue.record("a group-readable key file loaded")
            } catch {
                #expect(error.kind == .exposed)
                #expect(error.reason == "\(open) is readable or writable by group or others (mode 640); chmod 600 it")
            }
            do throws(KeySourceError) {
                _ = try KeySource.file(path + ".missing").load(environment: [:])
                Issue.record("a missing file loaded")
            } catch {
                #expect(error.kind == .unreadable)
                #expect(error.reason.hasPrefix("cannot read \(path).missing: "))
            }
            let garbage = try file("not a key at all", mode: 0o600, in: directory, name: "garbage")
            do throws(KeySourceError) {
                _ = try KeySource.file(garbage).load(environment: [:])
                Issue.record("garbage loaded")
            } catch {
                #expect(error.kind == .invalidKey)
                #expect(!error.description.contains("not a key at all"))
            }
        }
    }

    @Test func aSecretIsReadFromTheSecretsDirectory() throws {
        try TemporaryDirectory.with(prefix: "relay-secrets-") { directory in
            let secrets = directory.path
            // Docker mounts secrets 0444: allowed for secrets, which the store protects.
            _ = try file(seed, mode: 0o444, in: directory, name: "relay/us-east-1/ledger")
            let source = KeySource.secret("relay/us-east-1/ledger")
            let environment = ["RELAY_SECRETS_DIR": secrets + "/"]
            #expect(source.path(environment: environment) == secrets + "/relay/us-east-1/ledger")
            #expect(source.path(environment: [:]) == "/run/secrets/relay/us-east-1/ledger")
            #expect(try source.load(environment: environment).keyID == (try SigningKey(base64Seed: seed)).keyID)
            _ = try file(seed, mode: 0o666, in: directory, name: "writable")
            do throws(KeySourceError) {
                _ = try KeySource.secret("writable").load(environment: environment)
                Issue.record("a world-writable secret loaded")
            } catch {
                #expect(error.kind == .exposed)
                #expect(error.reason.contains("is writable by group or others (mode 666)"))
            }
            do throws(KeySourceError) {
                _ = try KeySource.secret("absent").load(environment: environment)
                Issue.record("a missing secret loaded")
            } catch {
                #expect(error.kind == .unreadable)
                #expect(error.description.hasPrefix("secret:absent: cannot read \(secrets)/absent"))
            }
        }
    }
}
