import ArgumentParser
import Foundation
import RelayReplication

/// `relay-dr export`: the region's chain as JSON lines (docs/ledger-format.md).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the region's ledger as JSON lines (one entry per line, seq order).",
        discussion: "Each line has region, seq, kind, subject, body (base64 of the exact bytes), committed_at, epoch, prev_hash and hash (hex). tools/verify_ledger.py checks such a file.")

    @OptionGroup var options: RegionDatabaseOptions

    @Option(help: "First seq to export.")
    var from: Int64 = 1

    @Option(help: "Output file (default: standard output).")
    var out: String?

    func run() async throws {
        let region = try options.regionID()
        let logger = makeLogger("relay-dr")
        let database = try options.database(logger: logger)
        let handle: FileHandle
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: nil) , let h = FileHandle(forWritingAtPath: out) else {
                throw ValidationError("cannot write \(out)")
            }
            handle = h
        } else {
            handle = .standardOutput
        }
        let count = try await database.withRunning { db in
            try await LedgerExport.run(database: db, region: region, from: from) { line in
                handle.write(Data((line + "\n").utf8))
            }
        }
        if out != nil { try handle.close() }
        FileHandle.standardError.write(Data("exported \(count) entries of \(region)\n".utf8))
    }
}
