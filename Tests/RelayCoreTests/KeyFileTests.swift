import Foundation
import RelayCore
import RelaySystem
import RelayTestSupport
import Testing

/// `relay-dr keys generate`'s library half: the 0600 seed file and the pasteable entry.
struct KeyFileTests {
    private func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func generateWritesA0600SeedWhoseEntryLoadsInARegionFile() throws {
        try TemporaryDirectory.with(prefix: "relay-keys-") { directory in
            let path = directory.path("us-east-1-ledger.key")
            let validFrom = try Timestamp(iso8601: "2026-03-04T05:06:07.891Z")
            let entry = try KeyFile.generate(at: path, purpose: .ledger, validFrom: validFrom)
            #expect(try mode(path) == 0o600)
            #expect(entry.validFrom == (try Timestamp(iso8601: "2026-03-04T05:06:07Z")))
            #expect(entry.purpose == .ledger)

            // The seed in the file is the key of the entry.
            let key = try KeySource.file(path).load(environment: [:])
            #expect(key.keyID == entry.keyID)
            #expect(key.publicKey == entry.publicKey)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.hasSuffix("\n") && text.count == 45)

            // The printed entry, pasted into a region file, loads.
            let yaml = RegionFixtures.yaml().replacingOccurrences(of: "targets:", with: entry.yamlEntry + "targets:")
            #expect(entry.yamlEntry.contains("    valid_from: 2026-03-04T05:06:07Z\n"))
            let regions = try RegionFixtures.withDirectory(["us-east-1.yaml": yaml]) { try RegionSet.load(directory: $0) }
            let loaded = try #require(regions.region("us-east-1")?.keys.first { $0.keyID == entry.keyID })
            #expect(loaded == entry)
        }
    }

    @Test func generateNeverOverwrites() throws {
        try TemporaryDirectory.with(prefix: "relay-keys-") { directory in
            let path = directory.path("seal.key")
            try "precious\n".write(toFile: path, atomically: false, encoding: .utf8)
            #expect(throws: KeyFileError.exists(path: path)) {
                try KeyFile.generate(at: path, purpose: .seal, validFrom: Timestamp(microseconds: 0))
            }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious\n")
            // A dangling symlink is not followed either.
            let link = directory.path("link.key")
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: directory.path("target"))
            #expect(throws: KeyFileError.exists(path: link)) {
                try KeyFile.create(at: link, seed: Array(repeating: 1, count: 32))
            }
            #expect(!FileManager.default.fileExists(atPath: directory.path("target")))
            #expect(throws: KeyFileError.self) {
                try KeyFile.create(at: directory.path("no/such/dir/k.key"), seed: Array(repeating: 1, count: 32))
            }
        }
    }
}
