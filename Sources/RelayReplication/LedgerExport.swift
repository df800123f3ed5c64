import RelayCore
import RelayStore

/// `relay-dr export`: a region's chain as JSON lines, one entry per line, in seq order, with the
/// body as base64 of its exact bytes, so any implementation of docs/ledger-format.md can re-verify it.
public enum LedgerExport {
    /// One line (no trailing newline) for `entry`.
    public static func line(_ entry: LedgerEntry, subject: String) -> String {
        CanonicalJSON.string(
            .object([
                "region": .string(entry.region), "seq": .number(Double(entry.seq)), "kind": .string(entry.kind.rawValue),
                "subject": .string(subject), "body": .string(Base64.encode(entry.body)),
                "committed_at": .string(entry.committedAt.iso8601), "epoch": .number(Double(entry.epoch)),
                "prev_hash": .string(Hex.encode(entry.prevHash)), "hash": .string(Hex.encode(entry.hash)),
            ]))
    }

    /// Streams every entry of `region` from `seq` on to `write`, one line each; returns the count.
    @discardableResult
    public static func run(
        database: Database, region: String, from seq: Int64 = 1, write: (String) async throws -> Void
    ) async throws -> Int64 {
        var count: Int64 = 0
        try await LedgerStore(database: database).forEachEntry(region: region, from: seq) { entry, subject in
            try await write(line(entry, subject: subject))
            count += 1
        }
        return count
    }
}
