import Foundation

/// One region of a Relay deployment: where its services and database are, the public keys it
/// signs with and its recovery targets (docs/regions-and-keys.md; one `regions/<id>.yaml` file each).
public struct Region: Sendable, Hashable {
    /// Region id, `[a-z0-9-]{1,40}` (e.g. `us-east-1`).
    public var id: String
    /// Base URL of the region's gateway.
    public var gatewayURL: URL
    /// Base URL of the region's relay-dr.
    public var drURL: URL
    /// The region's database.
    public var database: RegionDatabase
    /// Seal and ledger public keys, current and retired.
    public var keys: [RegionKey]
    /// RPO/RTO targets.
    public var targets: RegionTargets
    /// Commands run while the region is being promoted (none by default).
    public var hooks: RegionHooks
    /// Where the region was defined (file and line of `id:`), nil for regions built in code.
    public var location: ConfigLocation?

    /// Creates a region.
    public init(
        id: String, gatewayURL: URL, drURL: URL, database: RegionDatabase, keys: [RegionKey],
        targets: RegionTargets = RegionTargets(), hooks: RegionHooks = RegionHooks(), location: ConfigLocation? = nil
    ) {
        self.id = id
        self.gatewayURL = gatewayURL
        self.drURL = drURL
        self.database = database
        self.keys = keys
        self.targets = targets
        self.hooks = hooks
        self.location = location
    }

    /// True when `id` is a valid region id: 1–40 characters of `a-z`, `0-9` and `-`.
    public static func isValidID(_ id: String) -> Bool {
        (1...40).contains(id.utf8.count)
            && id.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }

    /// The region's keys of `purpose` whose validity window contains `instant`, by `key_id`.
    public func keys(purpose: KeyPurpose, at instant: Timestamp) -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        for key in keys where key.purpose == purpose && key.isValid(at: instant) {
            result[key.keyID] = key.publicKey
        }
        return result
    }
}
