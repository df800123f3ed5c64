import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Free TCP ports on 127.0.0.1 for servers that tests and the local run start, stop and start again.
public enum LoopbackPort {
    /// Ports handed out by this process (never handed out twice, even before they are bound).
    private static let handedOut = Mutex<Set<Int>>([])

    /// A port that is free now, outside the kernel's ephemeral range
    /// (`/proc/sys/net/ipv4/ip_local_port_range`): a port from that range can be taken, while
    /// its server is down for a restart, by any outgoing connection's local end, and then the
    /// server can never bind it again for as long as that connection lives.
    public static func pickFree() throws -> Int {
        let candidates = outsideEphemeralRange()
        for _ in 0..<200 {
            let port = Int.random(in: candidates)
            let fresh = handedOut.withLock { $0.insert(port).inserted }
            if fresh, isFree(port) { return port }
        }
        throw PostgresClusterError.fileSystem(path: "127.0.0.1", reason: "no free port found in \(candidates) after 200 tries")
    }

    /// Ports below the ephemeral range (from 20000), or above it when there is no room below.
    static func outsideEphemeralRange(_ text: String? = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) -> ClosedRange<Int> {
        let bounds = (text ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Int($0) }
        let (low, high) = bounds.count == 2 ? (bounds[0], bounds[1]) : (32768, 60999)
        if low - 1 >= 20000 + 1000 { return 20000...(low - 1) }
        if high + 1 + 1000 <= 65535 { return (high + 1)...65535 }
        return 20000...65535
    }

    /// True when a server could bind `port` on 127.0.0.1 now (probed with `SO_REUSEADDR`, as
    /// servers bind, so connections in TIME_WAIT do not count as taken).
    public static func isFree(_ port: Int) -> Bool {
        guard let fd = try? boundSocket(port: port, reuseAddress: true) else { return false }
        close(fd)
        return true
    }

    /// 127.0.0.1:`port` as a socket address.
    static func loopbackAddress(_ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// A TCP socket bound to 127.0.0.1:`port` (0: the kernel picks); the caller closes it.
    static func boundSocket(port: Int, reuseAddress: Bool) throws -> Int32 {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw failure("socket") }
        if reuseAddress {
            var one: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = loopbackAddress(port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let error = failure("bind")  // before close, which may change errno
            close(fd)
            throw error
        }
        return fd
    }

    private static func failure(_ call: String) -> PostgresClusterError {
        .fileSystem(path: "127.0.0.1:0", reason: "\(call): \(String(cString: strerror(errno)))")
    }
}
