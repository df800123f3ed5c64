import Foundation
import RelayCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension LocalRegionsPlan {
    /// The pids of one region's gateway and relay-dr, for ``environmentFile(pids:)``.
    public struct RegionPIDs: Equatable, Sendable {
        /// The gateway's pid.
        public var gateway: pid_t
        /// The relay-dr's pid.
        public var dr: pid_t

        /// Creates the pair.
        public init(gateway: pid_t, dr: pid_t) {
            self.gateway = gateway
            self.dr = dr
        }
    }

    /// `--env-file`: the topology as shell variables (`RELAY_LOCAL_<REGION>_GATEWAY_URL=…`), for
    /// scripts such as bench/; `pids` by region id (0 where unknown).
    public func environmentFile(pids: [String: RegionPIDs]) -> String {
        var lines = [
            "RELAY_LOCAL_REGIONS=\"\(regions.map(\.region.id).joined(separator: " "))\"",
            "RELAY_LOCAL_REGIONS_DIR=\(directory.path)", "RELAY_LOCAL_LOGS=\(state.logs.path)",
            "RELAY_LOCAL_PG_SUPERUSER=\(ServerControl.superuser)", "RELAY_LOCAL_ADMIN_TOKEN_FILE=\(adminTokenFile.path)",
        ]
        // What `relay-dr drill --kill` runs to crash a region and to bring it back ({region}: its id).
        // (A binary rebuilt while it runs reads as "… (deleted)": the new one is at the same path.)
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            .map { $0.hasSuffix(" (deleted)") ? String($0.dropLast(10)) : $0 } ?? "relay-local"
        let control = "\(exe) %@ --state-dir \(state.root.path) --region {region}"
        lines += [
            "RELAY_DRILL_KILL_COMMAND=\"" + control.replacingOccurrences(of: "%@", with: "kill") + " --component postgres --component gateway\"",
            "RELAY_DRILL_RESTART_COMMAND=\"" + control.replacingOccurrences(of: "%@", with: "restart") + "\"",
        ]
        for r in regions {
            let p = "RELAY_LOCAL_" + r.region.id.uppercased().replacingOccurrences(of: "-", with: "_") + "_"
            lines += [
                "\(p)GATEWAY_URL=\(r.region.gatewayURL.joined(path: ""))", "\(p)DR_URL=\(r.region.drURL.joined(path: ""))",
                "\(p)PG_PORT=\(r.region.database.port)", "\(p)DB=\(r.databaseName)", "\(p)DR_PID=\(pids[r.region.id]?.dr ?? 0)",
                "\(p)GATEWAY_PID=\(pids[r.region.id]?.gateway ?? 0)", "\(p)LEDGER_KEY=\(r.ledgerKeySetting)",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// What the run prints once everything is up; `workingDirectory` shortens the regions folder
    /// in the status command when it is inside it.
    public func banner(workingDirectory: String = FileManager.default.currentDirectoryPath) -> String {
        var rows: [String] = []
        for r in regions {
            rows.append(
                "  \(r.region.id.padding(toLength: 16, withPad: " ", startingAt: 0)) gateway \(r.region.gatewayURL.joined(path: ""))   relay-dr \(r.region.drURL.joined(path: ""))   postgres 127.0.0.1:\(r.region.database.port)/\(r.databaseName)")
        }
        let first = regions.first.map { $0.region.gatewayURL.joined(path: "") } ?? ""
        let cwd = workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/"
        // Relative to the working directory when inside it: shorter to copy.
        let shownDirectory = directory.path.hasPrefix(cwd) ? String(directory.path.dropFirst(cwd.count)) : directory.path
        let logs = state.logs.path
        return """

            Relay is running locally: \(regions.count) regions replicating to each other (regions: \(directory.path)).
            \(rows.joined(separator: "\n"))
              traffic          \(trafficRate > 0 ? "\(trafficRate) validations/s across the gateways, every \(3)rd approved seal executed (log: \(logs)/traffic.log)" : "off (--traffic-rate 0)")
              logs             \(logs)/   (gateway-<region>.log, relay-dr-<region>.log)

            Replication status (heads, lag per origin → peer, quarantine):
              .build/debug/relay-dr status --regions-dir \(shownDirectory)
              curl -s \(regions.first.map { $0.region.drURL.joined(path: "/v1/status") } ?? "")

            Switchover and maintenance (regions, state, epoch, who serves whom):
              export RELAY_DR_ADMIN_TOKEN=$(cat \(adminTokenFile.path))
              .build/debug/relay-dr list --regions-dir \(shownDirectory)
              .build/debug/relay-dr switchover --regions-dir \(shownDirectory) --from \(regions.first?.region.id ?? "A") --to \(regions.dropFirst().first?.region.id ?? "B") --dry-run

            Try it:
              curl -s -X POST \(first)/v1/manifest/validate -H 'content-type: application/json' \\
                -d '{"manifest":{"agent":{"agent_id":"agent_demo","org_id":"org_demo"},"action":{"provider":"stripe","method":"create_payment","parameters":{"amount":1500,"currency":"usd"}},"justification":{"reasoning":"demo checkout"}}}'

            Press Ctrl-C to stop and remove everything.
            """
    }
}
