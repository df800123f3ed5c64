import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Clusters to stop (`pg_ctl stop -m immediate`) and delete when the process exits normally,
/// through one `atexit` handler installed on first registration. A process that is killed
/// runs no handler; its clusters are reaped by the next ``PostgresCluster/start(_:logger:)``.
enum ExitCleanup {
    private struct State {
        var installed = false
        var clusters: [PostgresCluster] = []
    }

    private static let state = Mutex(State())

    static func register(_ cluster: PostgresCluster) {
        let install = state.withLock { s -> Bool in
            s.clusters.append(cluster)
            defer { s.installed = true }
            return !s.installed
        }
        if install { atexit { ExitCleanup.runAll() } }
    }

    static func unregister(_ cluster: PostgresCluster) {
        state.withLock { $0.clusters.removeAll { $0 === cluster } }
    }

    static func runAll() {
        let clusters = state.withLock { s -> [PostgresCluster] in
            defer { s.clusters = [] }
            return s.clusters
        }
        for cluster in clusters { cluster.stopImmediatelyAndRemoveSync() }
    }
}
