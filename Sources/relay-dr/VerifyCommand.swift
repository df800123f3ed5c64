import ArgumentParser
import Foundation
import RelayReplication

/// `relay-dr verify`: every copy of every origin's chain across regions (VerifyCommand+Regions),
/// or with `--local` the region's own chain recomputed and its rows checked. Exit 0/1/2.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify every copy of every region's chain: exit 0 consistent, 1 inconsistent, 2 could not check.",
        discussion: """
            Without --local: reads --regions-dir, asks every region's relay-dr (GET /v1/copies, \
            GET /v1/copies/{origin}/hash; --via-db: every region's database instead) and checks, \
            for every origin, that every copy (the origin's ledger and each peer's replica) is a \
            prefix of the longest with equal hashes at every common seq. The first divergent seq \
            is found by binary search (O(log n) look-ups per copy). --origin and --region restrict \
            the origins and the copies (by holding region). One row per origin × copy: head seq, \
            status, first bad seq, reason, evidence. The run is recorded in verification_runs \
            (docs/verification.md says where).

            --local recomputes the region's hash chain from genesis (every hash and link, no gaps, the \
            tail up to the head the chainer recorded) and compares every domain row of the region \
            (manifests, seals, executions, organizations, agents, auth events) with the ledger body \
            that recorded it. Each finding names the seq, the kind and what differs. Progress goes to \
            stderr on long runs. Copies held for other regions are checked on every batch they receive (docs/replication.md).
            --offline FILE --regions DIR checks an offline audit file (relay-dr export --origin) with no \
            database and no network: every record's hash and link, every batch header's signature with the \
            origin's key valid at its time, every header against the records, and coverage (docs/offline-audit.md).
            """)

    @OptionGroup var options: RegionDatabaseOptions

    @Flag(help: "Check only this region's own chain and rows, in its database (RELAY_DB_*).")
    var local = false

    @Flag(help: "Print the result as JSON instead of a table.")
    var json = false

    @Option(help: ArgumentHelp("Check an offline audit file (relay-dr export --origin): no database, no network (docs/offline-audit.md).", valueName: "file"))
    var offline: String?

    @Option(help: ArgumentHelp("With --offline: folder of trusted region files (the origin's ledger keys).", valueName: "dir"))
    var regions: String?

    @OptionGroup(title: "Across regions (without --local)") var across: CrossVerifyOptions

    @Flag(help: "Across regions: also recompute every copy from genesis, compare every region's rows with the bodies, check every kept batch signature and every signed head (equivocation).")
    var full = false

    func run() async throws {
        if let offline { return try runOffline(file: offline) }
        guard local else { return try await verifyAcrossRegions() }
        let region = try options.regionID()
        let logger = makeLogger("relay-dr")
        let database = try options.database(logger: logger)
        let result: LocalVerification
        do {
            result = try await database.withRunning { db in
                try await LocalVerifier(database: db, region: region).run { p in
                    let total = p.total.map { " of \($0)" } ?? ""
                    FileHandle.standardError.write(Data("verify: \(p.phase): \(p.done)\(total)\n".utf8))
                }
            }
        } catch {
            FileHandle.standardError.write(Data("relay-dr verify: could not check \(region): \(error)\n".utf8))
            throw ExitCode(2)
        }
        try show(result, table: result.table, consistent: result.consistent)
    }

    /// Prints a result as JSON (`--json`) or as its table; exit 1 when it is not consistent.
    func show(_ result: some Encodable, table: String, consistent: Bool) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(table)
        }
        if !consistent { throw ExitCode(1) }
    }
}
