/// What `relay-local up` (without `--regions`) was asked for.
public struct SingleRegionOptions: Sendable {
    /// Region id of the local region.
    public var region: String
    /// Gateway HTTP port.
    public var gatewayPort: Int
    /// The settings shared with the run of a regions folder.
    public var run: LocalRunOptions

    /// Creates options.
    public init(region: String = "local-1", gatewayPort: Int = 8000, run: LocalRunOptions = .init()) {
        self.region = region
        self.gatewayPort = gatewayPort
        self.run = run
    }
}
