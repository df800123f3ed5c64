/// A development key of a region (`<regions>/dev-keys/<region>-<purpose>.key`) and the 0600
/// copy a local run gives the region's processes.
public struct DevKeyCopy: Equatable, Sendable {
    /// `seal` or `ledger`.
    public var purpose: String
    /// The committed key file.
    public var source: String
    /// The copy in the state folder's `keys/`.
    public var target: String

    /// Creates a key copy.
    public init(purpose: String, source: String, target: String) {
        self.purpose = purpose
        self.source = source
        self.target = target
    }
}
