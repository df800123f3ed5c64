import Foundation
import RelayCore

extension RelayClock {
    /// The system clock (`CLOCK_REALTIME`), truncated to microseconds.
    public static let system = RelayClock {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(microseconds: Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000)
    }
}
