/// Every region of a deployment (one `regions/<id>.yaml` each), as the gateway and relay-dr
/// load it at start-up: who the peers are, where they listen and which keys they sign with.
public struct RegionSet: Sendable {
    /// The regions, sorted by id.
    public let regions: [Region]

    /// A set of `regions` (built in code, e.g. by tests). Throws on a duplicate region id, or on
    /// a key listed by two regions (a key belongs to one region).
    public init(regions: [Region]) throws(ConfigFileError) {
        var byID: [String: Region] = [:]
        var keyOwners: [String: String] = [:]
        for region in regions {
            if let first = byID[region.id] {
                throw Self.error(
                    region, "duplicate region id '\(region.id)' (also defined at \(first.location.map(\.description) ?? "another region"))")
            }
            byID[region.id] = region
            for key in region.keys {
                if let owner = keyOwners[key.keyID], owner != region.id {
                    throw Self.error(region, "key_id \(key.keyID) is also listed by region '\(owner)' (a key belongs to one region)")
                }
                keyOwners[key.keyID] = region.id
            }
        }
        self.regions = regions.sorted { $0.id < $1.id }
    }

    /// The region with `id`, nil when there is none.
    public func region(_ id: String) -> Region? {
        regions.first { $0.id == id }
    }

    /// The region ids, sorted.
    public var ids: [String] { regions.map(\.id) }

    /// The keys of `purpose` that `region` signed with at `instant`, by `key_id`: what a verifier
    /// accepts on something that region signed then. Empty for an unknown region.
    public func trustedKeys(purpose: KeyPurpose, region: String, at instant: Timestamp) -> [String: [UInt8]] {
        self.region(region)?.keys(purpose: purpose, at: instant) ?? [:]
    }

    /// Every key of `purpose` of every region, current and retired, with its region id.
    public func allKeys(purpose: KeyPurpose) -> [(region: String, key: RegionKey)] {
        regions.flatMap { region in
            region.keys.filter { $0.purpose == purpose }.map { (region.id, $0) }
        }
    }

    private static func error(_ region: Region, _ reason: String) -> ConfigFileError {
        ConfigFileError(file: region.location?.file ?? "<regions>", line: region.location?.line, reason: reason)
    }
}
