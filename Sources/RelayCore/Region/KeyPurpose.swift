/// What a region's key signs.
public enum KeyPurpose: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Seals issued by the region's gateways (`POST /v1/manifest/validate`).
    case seal
    /// Ledger batches and checkpoints shipped by the region's relay-dr.
    case ledger

    /// The raw value (`seal` or `ledger`).
    public var description: String { rawValue }
}
