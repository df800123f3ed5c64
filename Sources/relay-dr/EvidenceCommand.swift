import ArgumentParser
import Foundation
import RelayCore
import RelayReplication
import RelaySystem

/// `relay-dr evidence`: proof of what an origin signed.
struct EvidenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence", abstract: "Export the proof of an equivocation (an origin that signed two histories).",
        subcommands: [EvidenceExportCommand.self, EvidenceCheckCommand.self])
}

/// `relay-dr evidence export --out FILE`: the equivocations `verify --full` finds, as a file
/// anyone can check with the origins' public keys alone (docs/verification.md).
struct EvidenceExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every equivocation found across regions to FILE: exit 0 written, 1 none found (nothing written), 2 could not check.",
        discussion: """
            Runs the checks of `relay-dr verify --full` (through the relay-drs, or --via-db) and \
            writes, for every origin whose current chain contradicts a batch header it signed \
            (kept by a peer), the signed headers with their signatures and the origin's ledger \
            public keys. docs/verification.md ("Equivocation evidence") says how to check the file \
            by hand; `relay-dr evidence check FILE` checks it with nothing but the file.
            """)

    @OptionGroup var across: CrossVerifyOptions

    @Option(help: "The file to write (refused when it exists).")
    var out: String

    func run() async throws {
        guard !FileManager.default.fileExists(atPath: out) else { throw CrossVerifyOptions.cannotCheck("\(out) exists: give a new file") }
        let say: @Sendable (String) -> Void = { FileHandle.standardError.write(Data("evidence: \($0)\n".utf8)) }
        let evidence = try await across.withSource(only: [], longRequests: true) { regions, source, _ in
            let verifier = CrossRegionVerifier(
                regions: regions.ids, source: source, origins: across.origins.isEmpty ? nil : Set(across.origins), full: true)
            let (verdicts, equivocations) = await verifier.runWithEvidence(progress: say)
            if equivocations.isEmpty, verdicts.contains(where: { $0.status == .couldNotCheck }) {
                throw CrossVerifyOptions.cannotCheck("some regions could not be checked and no equivocation was found")
            }
            return EquivocationEvidence(createdAt: RelayClock.system.now(), equivocations: equivocations, regions: regions)
        }
        guard !evidence.equivocations.isEmpty else {
            say("no equivocation found: nothing written")
            throw ExitCode(1)
        }
        try Data(CanonicalJSON.bytes(evidence.json)).write(to: URL(fileURLWithPath: out), options: .withoutOverwriting)
        for e in evidence.equivocations { print("\(e.origin) seq \(e.seq): \(e.second == nil ? 1 : 2) signed statement(s) → \(out)") }
    }
}

/// `relay-dr evidence check FILE`: checks an evidence file with its own public keys only.
struct EvidenceCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check an evidence file with nothing but its contents: exit 0 it proves an equivocation, 1 it does not.")

    @Argument(help: "The file `relay-dr evidence export` wrote.")
    var file: String

    func run() async throws {
        let json: JSONValue
        do { json = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: file)))) } catch {
            throw CrossVerifyOptions.cannotCheck("\(file): \(error)")
        }
        let problems = EquivocationEvidence.check(json)
        guard problems.isEmpty else {
            for p in problems { print("NOT PROVEN: \(p)") }
            throw ExitCode(1)
        }
        print("PROVEN: \(json["equivocations"]?.arrayValue?.count ?? 0) equivocation(s), every signature verifies with the origin's keys in the file")
    }
}
