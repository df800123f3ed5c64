import ArgumentParser
import Foundation
import RelayCore
import RelayReplication
import RelaySystem

/// `relay-dr status`: every region's head and health, every pair's lag and quarantine state.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every region's head and every origin → peer pair's replication lag.",
        discussion: """
            Reads the region files, asks every region's relay-dr (dr_url/v1/status) concurrently \
            and prints: per region its head seq, unchained records and health; per pair (origin → \
            peer) the lag in records and seconds (measured by the origin), and quarantine state or \
            the shipper's last error. Exit code: 0 all reachable and nothing quarantined, 1 \
            otherwise, 2 when the region files or the TLS settings cannot be read.

            https dr_urls are checked against RELAY_DR_TLS_CA (default: the system's roots), and \
            RELAY_DR_TLS_CLIENT_CERT + RELAY_DR_TLS_CLIENT_KEY are presented to ports that require \
            a client certificate, as `relay-dr run` does.
            """)

    @Option(help: "Folder of region files. Default: $RELAY_REGIONS_DIR, else regions.")
    var regionsDir = ProcessInfo.processInfo.environment["RELAY_REGIONS_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "regions"

    @Option(help: "Seconds to wait for each region.")
    var timeout: Double = 3

    @Flag(help: "Print the combined JSON (every region's /v1/status plus the pairs).")
    var json = false

    func validate() throws {
        guard timeout > 0, timeout <= 60 else { throw ValidationError("--timeout must be in (0, 60]") }
    }

    func run() async throws {
        let regions: RegionSet
        do { regions = try RegionSet.load(directory: regionsDir) } catch {
            FileHandle.standardError.write(Data("relay-dr: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let tls: DRTLS
        do { tls = DRTLS(client: try DRTLS.clientFromEnvironment(ProcessInfo.processInfo.environment).tls) } catch {
            FileHandle.standardError.write(Data("relay-dr: configuration error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let status = await StatusProbe(regions: regions, timeout: .milliseconds(Int(timeout * 1000)), tls: tls.client).run()
        print(json ? CanonicalJSON.string(status.json) : status.table)
        throw ExitCode(status.exitCode)
    }
}
