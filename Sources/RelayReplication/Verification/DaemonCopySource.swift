import RelayCore
import RelayStore

/// The copies of a relay-dr's own chain as it sees them: its ledger from its database, the
/// peers' copies through their relay-drs (the continuous check of `relay-dr run`).
struct DaemonCopySource: CopySource {
    let region: String
    let database: Database
    let regions: RegionSet
    let remote: RegionCopySource

    func copies(at holder: String) async throws -> [CopyHead] {
        guard holder == region else { return try await remote.copies(at: holder) }
        return try await CopyStore(database: database).heads(region: region, origin: region)
    }

    func hashAt(origin: String, seq: Int64, at holder: String) async throws -> CopyHashAt {
        guard holder == region else { return try await remote.hashAt(origin: origin, seq: seq, at: holder) }
        return try await CopyStore(database: database).hashAt(origin: origin, seq: seq, region: region)
    }

    func fullCheck(at holder: String) async throws -> RegionFullCheck.Report {
        guard holder == region else { return try await remote.fullCheck(at: holder) }
        return try await RegionFullCheck(region: region, database: database, regions: regions).run()
    }
}
