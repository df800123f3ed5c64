#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension PostgresCluster {
    /// The pid of this cluster's live postmaster, nil when the server is not running (stopped,
    /// killed, or crashed).
    var postmasterPID: pid_t? { Postmaster.runningPID(layout) }
}
