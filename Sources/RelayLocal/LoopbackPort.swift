import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Picks a free TCP port on 127.0.0.1 by binding port 0 and reading what the kernel chose.
public enum LoopbackPort {
    public static func pickFree() throws -> Int {
        let fd = try boundSocket(port: 0, reuseAddress: false)
        defer { close(fd) }
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw failure("getsockname") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// True when a server could bind `port` on 127.0.0.1 now (probed with `SO_REUSEADDR`, as
    /// servers bind, so connections in TIME_WAIT do not count as taken).
    public static func isFree(_ port: Int) -> Bool {
        guard let fd = try? boundSocket(port: port, reuseAddress: true) else { return false }
        close(fd)
        return true
    }

    /// A TCP socket bound to 127.0.0.1:`port` (0: the kernel picks); the caller closes it.
    private static func boundSocket(port: Int, reuseAddress: Bool) throws -> Int32 {
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
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
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
