import RelayCore
import RelayStore

/// The copies read straight from the regions' databases (`relay-dr verify --via-db`).
public struct DatabaseCopySource: CopySource {
    let databases: [String: Database]
    let regions: RegionSet

    /// A source reading `databases` (by region id) of `regions`; the pools must be running.
    public init(databases: [String: Database], regions: RegionSet) {
        self.databases = databases
        self.regions = regions
    }

    func store(_ region: String) throws -> CopyStore {
        guard let database = databases[region] else { throw CopySourceError(region: region, reason: "no database given for this region") }
        return CopyStore(database: database)
    }

    public func copies(at region: String) async throws -> [CopyHead] {
        try await store(region).heads(region: region)
    }

    public func hashAt(origin: String, seq: Int64, at region: String) async throws -> CopyHashAt {
        try await store(region).hashAt(origin: origin, seq: seq, region: region)
    }

    public func fullCheck(at region: String) async throws -> RegionFullCheck.Report {
        guard let database = databases[region] else { throw CopySourceError(region: region, reason: "no database given for this region") }
        return try await RegionFullCheck(region: region, database: database, regions: regions).run()
    }
}
