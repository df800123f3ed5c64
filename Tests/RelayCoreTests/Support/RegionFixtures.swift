import Foundation
import RelayCore
import RelaySystem
import RelayTestSupport

/// Region files for tests: a valid file to mutate, directories of region files and fresh keys.
enum RegionFixtures {
    /// Repository root, found from this file's path.
    static var repoRoot: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }  // Support, RelayCoreTests, Tests, root
        return url.path
    }

    /// A fresh key's public entry.
    static func key(_ purpose: KeyPurpose, validFrom: String = "2026-01-01T00:00:00Z", validUntil: String? = nil) -> RegionKey {
        RegionKey(
            purpose: purpose, publicKey: SigningKey.generate().key.publicKey,
            validFrom: try! Timestamp(iso8601: validFrom), validUntil: validUntil.map { try! Timestamp(iso8601: $0) })
    }

    /// A valid region file. Line numbers matter to the error tests:
    /// 1 id, 2 gateway_url, 3 dr_url, 4 database:, 5 host, 6 port, 7 name, 8 user, 9 password_env,
    /// 10 tls, 11 keys:, 12–15 seal entry (12 purpose, 13 key_id, 14 public_key, 15 valid_from),
    /// 16–19 ledger entry, 20 targets:, 21 rpo_seconds, 22 rto_seconds, 23 max_lag_on_failover.
    static func yaml(id: String = "us-east-1", seal: RegionKey = key(.seal), ledger: RegionKey = key(.ledger), port: Int = 8081) -> String {
        """
        id: \(id)
        gateway_url: http://127.0.0.1:\(port)
        dr_url: http://127.0.0.1:\(port + 1000)
        database:
          host: 127.0.0.1
          port: 55431
          name: relay
          user: relay
          password_env: RELAY_DB_PASSWORD
          tls: disable
        keys:
        \(seal.yamlEntry)\(ledger.yamlEntry)targets:
          rpo_seconds: 5
          rto_seconds: 300
          max_lag_on_failover: 1000

        """
    }

    /// Writes `files` (name → text) into a new temporary directory, runs `body` with its path and
    /// removes the directory.
    static func withDirectory<T>(_ files: [String: String], _ body: (String) throws -> T) throws -> T {
        try TemporaryDirectory.with(prefix: "relay-regions-") { directory in
            for (name, text) in files {
                try text.write(toFile: directory.path(name), atomically: true, encoding: .utf8)
            }
            return try body(directory.path)
        }
    }

    /// The error loading `files` as a region directory, nil when it loads.
    static func loadError(_ files: [String: String]) throws -> ConfigFileError? {
        try withDirectory(files) { directory -> ConfigFileError? in
            do throws(ConfigFileError) {
                _ = try RegionSet.load(directory: directory)
                return nil
            } catch {
                return ConfigFileError(
                    file: error.file.replacingOccurrences(of: directory + "/", with: ""), line: error.line, reason: error.reason)
            }
        }
    }

    /// The error of one region file `us-east-1.yaml` with `text`.
    static func fileError(_ text: String, name: String = "us-east-1.yaml") throws -> ConfigFileError? {
        try loadError([name: text])
    }
}
