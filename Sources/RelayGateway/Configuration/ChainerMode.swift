/// Whether this gateway also runs the region's ledger chainer (`RELAY_CHAINER`).
public enum ChainerMode: String, Sendable, CaseIterable {
    /// Run a chainer inside the gateway (single-region installs; safe next to relay-dr's, one leads).
    case embedded
    /// Leave chaining to relay-dr (`relay-dr run`).
    case off
}
