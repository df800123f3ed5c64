import Foundation
import RelayCore
import RelayLocal
import RelaySystem
import RelayTestSupport
import Testing

/// The `relay-dr keys` executable itself (built next to this test bundle).
struct KeysCommandTests {
    /// The built `relay-dr`, next to the test bundle (`swift build --build-tests` builds both).
    static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("relay-dr").path
    }

    /// Runs the executable to its end (never reading the status of one still running).
    private func run(_ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
        let output = try await ChildProcess.run(Self.executable, arguments)
        return (output.status, output.stdout, output.stderr)
    }

    @Test func generatePrintsAnEntryAndShowPrintsItAgain() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build relay-dr first")
        try await TemporaryDirectory.with(prefix: "relay-keys-") { directory in
            let path = directory.path("ledger.key")
            let generated = try await run(["keys", "generate", "--region", "us-east-1", "--purpose", "ledger", "--out", path,
                                     "--valid-from", "2026-02-01T00:00:00Z"])
            #expect(generated.status == 0, "\(generated.err)")
            #expect(generated.err.contains("wrote the ledger key seed to \(path) (mode 0600"))
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let key = try KeySource.file(path).load(environment: [:])
            #expect(generated.out.contains("  - purpose: ledger\n    key_id: \"\(key.keyID)\"\n"))
            #expect(generated.out.contains("    valid_from: 2026-02-01T00:00:00Z\n"))
            let seed = try String(contentsOfFile: path, encoding: .utf8)
            #expect(!generated.out.contains(seed.trimmingCharacters(in: .whitespacesAndNewlines)))

            let shown = try await run(["keys", "show", "--key", path, "--purpose", "ledger", "--valid-from", "2026-02-01T00:00:00Z"])
            #expect(shown.status == 0, "\(shown.err)")
            #expect(generated.out.hasSuffix(shown.out))

            let again = try await run(["keys", "generate", "--region", "us-east-1", "--purpose", "seal", "--out", path])
            #expect(again.status == 1)
            #expect(again.err == "relay-dr: \(path) already exists; refusing to overwrite a key file (choose another path or move the old file away)\n")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == seed)

            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
            let exposed = try await run(["keys", "show", "--key", "file:" + path, "--purpose", "ledger"])
            #expect(exposed.status == 1)
            #expect(exposed.err.contains("chmod 600 it"))
        }
    }
}
