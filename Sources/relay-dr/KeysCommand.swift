import ArgumentParser
import Foundation
import RelayCore

/// `relay-dr keys generate|show`: region signing keys (DESIGN §8, docs/regions-and-keys.md).
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make and inspect region signing keys (seal and ledger).",
        subcommands: [Generate.self, Show.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a key: write its seed to a new 0600 file and print its public entry.",
            discussion: """
                The seed file holds the base64 32-byte Ed25519 seed (the RELAY_PRIVATE_KEY format);
                it is created with mode 0600 and never overwrites an existing file. Paste the printed
                entry under `keys:` in regions/<region>.yaml before the key starts signing.
                """)

        @Option(help: "Region id the key belongs to (e.g. us-east-1).")
        var region: String

        @Option(help: "What the key signs: seal or ledger.")
        var purpose: KeyPurpose

        @Option(help: "Write the seed to this new file (mode 0600; refuses to overwrite).")
        var out: String

        @Option(help: "valid_from of the entry (ISO 8601, e.g. 2026-07-01T00:00:00Z); default now.")
        var validFrom: String?

        func validate() throws {
            guard Region.isValidID(region) else {
                throw ValidationError("--region '\(region)' is not a region id (1-40 characters of a-z, 0-9 and '-')")
            }
        }

        func run() throws {
            let from = try instant(validFrom)
            let entry: RegionKey
            do {
                entry = try KeyFile.generate(at: out, purpose: purpose, validFrom: from)
            } catch {
                fail("\(error)")
            }
            FileHandle.standardError.write(Data("relay-dr: wrote the \(purpose) key seed to \(out) (mode 0600; keep it secret)\n".utf8))
            print("# \(purpose) key \(entry.keyID) of region \(region): paste under `keys:` in regions/\(region).yaml")
            print(entry.yamlEntry, terminator: "")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the public entry of an existing key.",
            discussion: "--key takes a file path or a key source: env:NAME, file:PATH or secret:NAME.")

        @Option(help: "The key: a file path, env:NAME, file:PATH or secret:NAME.")
        var key: String

        @Option(help: "What the key signs: seal or ledger.")
        var purpose: KeyPurpose

        @Option(help: "valid_from of the entry (ISO 8601); default now.")
        var validFrom: String?

        func run() throws {
            let from = try instant(validFrom)
            let signing: SigningKey
            do {
                let isSource = ["env:", "file:", "secret:"].contains { key.hasPrefix($0) }
                signing = try (isSource ? KeySource(parsing: key) : .file(key)).load()
            } catch {
                fail("\(error)")
            }
            let entry = RegionKey(purpose: purpose, publicKey: signing.publicKey, validFrom: from.wholeSeconds)
            print(entry.yamlEntry, terminator: "")
        }
    }
}

/// `--valid-from`, or now.
private func instant(_ text: String?) throws -> Timestamp {
    guard let text else { return RelayClock.system.now() }
    do { return try Timestamp(iso8601: text) } catch {
        throw ValidationError("--valid-from: \(error.reason)")
    }
}

/// Prints `relay-dr: message` to stderr and exits 1.
private func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("relay-dr: \(message)\n".utf8))
    KeysCommand.exit(withError: ExitCode.failure)
}

extension KeyPurpose: ExpressibleByArgument {}
