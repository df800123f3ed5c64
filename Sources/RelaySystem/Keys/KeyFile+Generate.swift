import RelayCore

extension KeyFile {
    /// Generates a fresh key of `purpose`, writes its seed to a new 0600 file at `path` (see
    /// ``create(at:seed:)``) and returns the public entry for the region file (valid from
    /// `validFrom`, to whole seconds).
    public static func generate(at path: String, purpose: KeyPurpose, validFrom: Timestamp) throws(KeyFileError) -> RegionKey {
        let (key, seed) = SigningKey.generate()
        try create(at: path, seed: seed)
        return RegionKey(purpose: purpose, publicKey: key.publicKey, validFrom: validFrom.wholeSeconds)
    }
}
