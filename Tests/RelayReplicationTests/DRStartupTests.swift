import Foundation
import RelayLocal
import Testing

/// relay-dr refuses to run where it cannot serve, with one line an operator can act on.
extension MultiRegionSuites {
@Suite(.timeLimit(.minutes(3)))
struct DRStartupTests {
    @Test func aTakenReplicationPortStopsRelayDRWithALineNamingIt() async throws {
        try await TestRegions.with(["r1", "r2"], start: []) { regions in
            let dir = regions.evidence.directory
            try DRProcess.writeConfig(regions, to: dir)
            // Another process holds the port (a forgotten daemon, or a connection's local end).
            let holder = try PortHolder(port: try LoopbackPort.pickFree())
            defer { holder.close() }
            let held = holder.port
            let exit = try await DRProcess.runUntilExit(regions, "r1", dir: dir, settings: ["RELAY_DR_LISTEN": "127.0.0.1:\(held)"])
            let (status, output) = try #require(exit, "relay-dr kept running without its port")
            #expect(status == 1)
            #expect(output.contains("relay-dr: cannot listen on 127.0.0.1:\(held) (RELAY_DR_LISTEN"), "\(output)")
        }
    }
}
}
