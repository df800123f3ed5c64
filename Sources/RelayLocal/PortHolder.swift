#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP socket listening on 127.0.0.1:`port`, so nothing else can serve there: for tests of
/// what a server does when its port is taken. Close it when done.
public struct PortHolder: Sendable {
    private let fd: Int32
    /// The port it holds.
    public let port: Int

    /// Binds and listens on 127.0.0.1:`port`; throws when the port is not free.
    public init(port: Int) throws {
        let fd = try LoopbackPort.boundSocket(port: port, reuseAddress: false)
        guard listen(fd, 1) == 0 else {
            let error = PostgresClusterError.fileSystem(path: "127.0.0.1:\(port)", reason: "listen: \(String(cString: strerror(errno)))")
            Self.release(fd)
            throw error
        }
        self.fd = fd
        self.port = port
    }

    /// Releases the port.
    public func close() {
        Self.release(fd)
    }

    private static func release(_ fd: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #elseif canImport(Musl)
        _ = Musl.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }
}
