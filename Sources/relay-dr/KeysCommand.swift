import ArgumentParser
import Foundation
import RelayCore
import RelaySystem

/// `relay-dr keys generate|show`: region signing keys (docs/regions-and-keys.md).
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make and inspect region signing keys (seal and ledger).",
        subcommands: [Generate.self, Show.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a key: write its seed to a new 0600 file and print its public entry.",
            discussion: """
                The seed file holds the base64 32-byte Ed25519 seed (the RELAY_PRIVATE_KEY format); \
                it is created with mode 0600 and never overwrites an existing file. Paste the printed \
                entry under `keys:` in regions/<region>.yaml before the key starts signing.
                """)

        @Option(help: "Region id the key belongs to (e.g. us-east-1).")
        var region: String

        @Option(help: "Write the seed to this new file (mode 0600; refuses to overwrite).")
        var out: String

        @OptionGroup var entry: EntryOptions

        func validate() throws {
            guard Region.isValidID(region) else {
                throw ValidationError("--region '\(region)' is not a region id (1-40 characters of a-z, 0-9 and '-')")
            }
        }

        func run() throws {
            let purpose = entry.purpose
            let key: RegionKey
            do {
                key = try KeyFile.generate(at: out, purpose: purpose, validFrom: try entry.validFromInstant())
            } catch let error as KeyFileError {
                fail("\(error)")
            }
            FileHandle.standardError.write(Data("relay-dr: wrote the \(purpose) key seed to \(out) (mode 0600; keep it secret)\n".utf8))
            print("# \(purpose) key \(key.keyID) of region \(region): paste under `keys:` in regions/\(region).yaml")
            print(key.yamlEntry, terminator: "")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the public entry of an existing key.",
            discussion: "--key takes a file path or a key source: env:NAME, file:PATH or secret:NAME.")

        @Option(help: "The key: a file path, env:NAME, file:PATH or secret:NAME.")
        var key: String

        @OptionGroup var entry: EntryOptions

        func run() throws {
            let validFrom = try entry.validFromInstant()
            let signing: SigningKey
            do {
                let isSource = ["env:", "file:", "secret:"].contains { key.hasPrefix($0) }
                signing = try (isSource ? KeySource(parsing: key) : .file(key)).load()
            } catch {
                fail("\(error)")
            }
            let printed = RegionKey(purpose: entry.purpose, publicKey: signing.publicKey, validFrom: validFrom.wholeSeconds)
            print(printed.yamlEntry, terminator: "")
        }
    }
}

/// What the printed entry says besides the key itself.
struct EntryOptions: ParsableArguments {
    @Option(help: "What the key signs: seal or ledger.")
    var purpose: KeyPurpose

    @Option(help: "valid_from of the entry (ISO 8601, e.g. 2026-07-01T00:00:00Z); default now.")
    var validFrom: String?

    /// `--valid-from`, or now.
    func validFromInstant() throws -> Timestamp {
        guard let validFrom else { return RelayClock.system.now() }
        do { return try Timestamp(iso8601: validFrom) } catch {
            throw ValidationError("--valid-from: \(error.reason)")
        }
    }
}

/// Prints `relay-dr: message` to stderr and exits 1.
private func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("relay-dr: \(message)\n".utf8))
    KeysCommand.exit(withError: ExitCode.failure)
}

extension KeyPurpose: ExpressibleByArgument {}
