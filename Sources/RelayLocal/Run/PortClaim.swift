/// A loopback port a local run's topology listens on, and what listens there.
public struct PortClaim: Equatable, Sendable, CustomStringConvertible {
    /// The TCP port on 127.0.0.1.
    public var port: Int
    /// The region id.
    public var region: String
    /// `gateway`, `relay-dr` or `postgres`.
    public var service: String

    /// Creates a claim.
    public init(port: Int, region: String, service: String) {
        self.port = port
        self.region = region
        self.service = service
    }

    /// `8081 (us-east-1 gateway)`, as the "ports in use" error lists it.
    public var description: String { "\(port) (\(region) \(service))" }
}
