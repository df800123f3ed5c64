import Foundation
@testable import RelayLocal
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Ports for servers that are stopped and started again must never come from the kernel's
/// ephemeral range: while such a server is down, any outgoing connection can get that port as its
/// local end, and the server then cannot bind it for as long as the connection lives.
struct LoopbackPortTests {
    @Test func pickedPortsAreFreeDistinctAndOutsideTheEphemeralRange() throws {
        let range = LoopbackPort.outsideEphemeralRange()
        let text = try String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
        let bounds = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        let ports = try (0..<200).map { _ in try LoopbackPort.pickFree() }
        #expect(Set(ports).count == ports.count, "never the same port twice")
        for port in ports {
            #expect(range.contains(port))
            #expect(!(bounds[0]...bounds[1]).contains(port), "\(port) is in the ephemeral range \(bounds)")
        }
    }

    @Test func theRangeLiesBelowTheEphemeralRangeOrAboveItWhenThereIsNoRoom() {
        #expect(LoopbackPort.outsideEphemeralRange("32768\t60999\n") == 20000...32767)
        #expect(LoopbackPort.outsideEphemeralRange("40000 42999") == 20000...39999)
        #expect(LoopbackPort.outsideEphemeralRange("1024 50000") == 50001...65535)
        #expect(LoopbackPort.outsideEphemeralRange("garbage") == 20000...32767)
    }

    /// The hazard itself: a connection's local end on a port keeps a server off it.
    @Test func aConnectionsLocalEndKeepsAServerOffItsPort() throws {
        let server = try PortHolder(port: try LoopbackPort.pickFree())
        defer { server.close() }
        // A client whose local end is port `local`, connected to that server.
        let local = try LoopbackPort.pickFree()
        let client = try LoopbackPort.boundSocket(port: local, reuseAddress: false)
        defer { close(client) }
        var address = LoopbackPort.loopbackAddress(server.port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        #expect(!LoopbackPort.isFree(local), "a server cannot bind a port that a live connection uses as its local end")
    }
}
