import RelayCore
import RelaySystem

/// `RELAY_REGIONS_DIR`: the region set, the seal keys the gateway trusts and publishes.
extension GatewayConfiguration {
    /// Loads `RELAY_REGIONS_DIR` when set. `region` must be in the set, and `sealKey` must be
    /// listed as one of its seal keys (otherwise no other region could verify its seals).
    static func loadRegions(
        _ env: EnvironmentReader, region: String, sealKey: SigningKey
    ) throws(ConfigurationError) -> RegionSet? {
        let setting = "RELAY_REGIONS_DIR"
        guard let directory = env.optional(setting) else { return nil }
        let regions: RegionSet
        do { regions = try RegionSet.load(directory: directory) } catch {
            throw ConfigurationError(setting: setting, reason: error.description)
        }
        guard let own = regions.region(region) else {
            throw ConfigurationError(
                setting: setting,
                reason: "\(directory) has no file for RELAY_REGION '\(region)' (regions: \(regions.ids.joined(separator: ", ")))")
        }
        guard own.keys.contains(where: { $0.purpose == .seal && $0.keyID == sealKey.keyID }) else {
            let file = own.location?.file ?? "the region file"
            throw ConfigurationError(
                setting: setting,
                reason: "\(file) lists no seal key with key_id \(sealKey.keyID) (the gateway's signing key); "
                    + "add its entry (`relay-dr keys show --key FILE --purpose seal`) under keys:")
        }
        return regions
    }

    /// The seal keys this gateway accepts, by `key_id`: its own, plus every seal key (current and
    /// retired) of every region in ``regions``.
    public var trustedSealKeys: [String: [UInt8]] {
        var keys = [sealKey.keyID: sealKey.publicKey]
        for (_, key) in regions?.allKeys(purpose: .seal) ?? [] {
            keys[key.keyID] = key.publicKey
        }
        return keys
    }

    /// The `keys` array of `GET /v1/keys`: every region's seal keys with validity windows and
    /// status (`retired` once `valid_until` has passed, else `current`), or only this gateway's
    /// key when no region set is configured.
    public func publishedSealKeys(now: Timestamp) -> [JSONValue] {
        guard let regions else {
            return [
                Self.keyEntry(
                    region: region, keyID: sealKey.keyID, publicKey: sealKey.publicKey, status: "current",
                    validFrom: .null, validUntil: .null)
            ]
        }
        return regions.allKeys(purpose: .seal).map { region, key in
            Self.keyEntry(
                region: region, keyID: key.keyID, publicKey: key.publicKey,
                status: key.isRetired(at: now) ? "retired" : "current", validFrom: .string(key.validFrom.iso8601),
                validUntil: key.validUntil.map { .string($0.iso8601) } ?? .null)
        }
    }

    private static func keyEntry(
        region: String, keyID: String, publicKey: [UInt8], status: String, validFrom: JSONValue, validUntil: JSONValue
    ) -> JSONValue {
        [
            "region": .string(region), "purpose": "seal", "algorithm": "Ed25519", "key_id": .string(keyID),
            "public_key": .string(Base64.encode(publicKey)), "status": .string(status), "valid_from": validFrom,
            "valid_until": validUntil,
        ]
    }
}
