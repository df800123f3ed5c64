import ArgumentParser
import Foundation
import RelayCore
import RelayReplication
import RelaySystem

/// `relay-dr export`: the region's chain as JSON lines (docs/ledger-format.md), or with
/// `--origin` an offline audit file of any region's chain (docs/offline-audit.md).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the region's ledger as JSON lines, or an offline audit file (--origin).",
        discussion: """
            Without --origin: each line has region, seq, kind, subject, body (base64 of the exact bytes), \
            committed_at, epoch, prev_hash and hash (hex); tools/verify_ledger.py checks such a file.
            With --origin X: one offline audit file of X's chain as held in the database of --region \
            (point it at a PEER of X: peers keep the batch headers X signed; X's own database does not): \
            a preamble with X's ledger keys from the region files, the signed batch headers, the records. \
            relay-dr verify --offline FILE --regions DIR and tools/verify_audit.py check it (docs/offline-audit.md).
            """)

    @OptionGroup var options: RegionDatabaseOptions

    @Option(help: "First seq to export (the region's own chain).")
    var from: Int64 = 1

    @Option(help: "Write an offline audit file of this region's chain (from the database of --region).")
    var origin: String?

    @Option(help: "With --origin: first seq.")
    var fromSeq: Int64 = 1

    @Option(help: "With --origin: last seq (default: the copy's head; moved to the end of the batch it falls in).")
    var toSeq: Int64?

    @Option(help: "With --origin: folder of region files (the origin's ledger keys). Default: $RELAY_REGIONS_DIR, else regions.")
    var regionsDir = ProcessInfo.processInfo.environment["RELAY_REGIONS_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "regions"

    @Option(help: "Output file (default: standard output).")
    var out: String?

    func validate() throws {
        guard from >= 1, fromSeq >= 1 else { throw ValidationError("--from and --from-seq start at 1") }
        if let toSeq, toSeq < fromSeq { throw ValidationError("--to-seq \(toSeq) is before --from-seq \(fromSeq)") }
        if origin == nil, toSeq != nil || fromSeq != 1 { throw ValidationError("--from-seq and --to-seq go with --origin") }
        if let origin, !Region.isValidID(origin) { throw ValidationError("--origin '\(origin)' is not a region id ([a-z0-9-])") }
    }

    func run() async throws {
        let region = try options.regionID()
        let keys: [RegionKey]
        if let origin {
            let regions: RegionSet
            do { regions = try RegionSet.load(directory: regionsDir) } catch {
                FileHandle.standardError.write(Data("relay-dr export: \(error)\n".utf8))
                throw ExitCode(2)
            }
            guard let known = regions.region(origin) else {
                throw ValidationError("the region files in \(regionsDir) do not define --origin \(origin) (they define \(regions.ids.joined(separator: ", ")))")
            }
            keys = known.keys
        } else {
            keys = []
        }
        let logger = makeLogger("relay-dr")
        let database = try options.database(logger: logger)
        let handle: FileHandle
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: nil), let h = FileHandle(forWritingAtPath: out) else {
                throw ValidationError("cannot write \(out)")
            }
            handle = h
        } else {
            handle = .standardOutput
        }
        // Lines are gathered into large writes: a million records must not mean a million syscalls.
        var buffer: [UInt8] = []
        func emit(_ line: String) {
            buffer += line.utf8
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= 1 << 20 { handle.write(Data(buffer)); buffer.removeAll(keepingCapacity: true) }
        }
        let message: String
        if let origin {
            let p = try await database.withRunning { db in
                try await AuditExport(database: db, holder: region).run(
                    origin: origin, from: fromSeq, to: toSeq, keys: keys, now: RelayClock.system.now()) { emit($0) }
            }
            message = "exported \(p.recordCount) records of \(origin) (seqs \(p.fromSeq)…\(p.toSeq)) and \(p.headerCount) signed batch headers from \(region)'s database"
                + (origin == region ? "\nwarning: a region's own database keeps no signed batch headers; export from a peer's database to have its records vouched for" : "")
        } else {
            let count = try await database.withRunning { db in
                try await LedgerExport.run(database: db, region: region, from: from) { emit($0) }
            }
            message = "exported \(count) entries of \(region)"
        }
        handle.write(Data(buffer))
        if out != nil { try handle.close() }
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
