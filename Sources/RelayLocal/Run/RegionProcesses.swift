import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a local run has started for one region, as far as it got: its cluster, and its latest
/// gateway and relay-dr processes (restarted ones replace the first).
struct RegionProcesses: Sendable {
    /// The region's plan.
    let plan: RegionPlan
    /// Its PostgreSQL cluster.
    let cluster: PostgresCluster
    /// The gateway as launched (with the OPA server's URL when there is one); a restart reuses it.
    var gatewaySpec: ChildProcessSpec
    /// The gateway process, once launched.
    var gateway: Process?
    /// The relay-dr process, once launched.
    var dr: Process?

    init(plan: RegionPlan, cluster: PostgresCluster) {
        self.plan = plan
        self.cluster = cluster
        self.gatewaySpec = plan.gateway
    }

    /// The region id.
    var id: String { plan.region.id }

    /// What runs now.
    var running: Set<RegionComponent> {
        Set(RegionComponent.allCases.filter { pid(of: $0) != nil })
    }

    /// The pid of `component` while it runs.
    func pid(of component: RegionComponent) -> pid_t? {
        switch component {
        case .postgres: return cluster.postmasterPID
        case .gateway: return gateway.flatMap { $0.isRunning ? $0.processIdentifier : nil }
        case .dr: return dr.flatMap { $0.isRunning ? $0.processIdentifier : nil }
        }
    }

    /// The spec `component` was launched with (nil for PostgreSQL, which is no child process).
    func spec(of component: RegionComponent) -> ChildProcessSpec? {
        switch component {
        case .postgres: return nil
        case .gateway: return gatewaySpec
        case .dr: return plan.dr
        }
    }

    /// The env file's pids: 0 for what does not run.
    var pids: LocalRegionsPlan.RegionPIDs {
        LocalRegionsPlan.RegionPIDs(gateway: pid(of: .gateway) ?? 0, dr: pid(of: .dr) ?? 0)
    }
}
