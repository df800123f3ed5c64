import ArgumentParser
import Logging
import RelayLocal

/// `relay-local reap`: removes clusters of crashed runs.
struct Reap: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop and remove local clusters left behind by crashed runs (only ones this tool created).")

    func run() throws {
        let n = PostgresCluster.reapLeftovers(logger: Logger(label: "relay-local"))
        print("reaped \(n) leftover cluster(s)")
    }
}
