#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a local run started, handed to its `whenReady` once everything answers.
public struct LocalRunReady: Sendable {
    /// The gateways' base URLs.
    public var gateways: [String]
    /// The pids of the gateways and relay-drs.
    public var processes: [pid_t]
    /// The PostgreSQL cluster directories (removed when the run ends).
    public var clusterDirectories: [String]

    /// Creates the description.
    public init(gateways: [String], processes: [pid_t], clusterDirectories: [String]) {
        self.gateways = gateways
        self.processes = processes
        self.clusterDirectories = clusterDirectories
    }
}
