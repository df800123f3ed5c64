import Foundation
import RelayCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything `relay-local up --regions DIR` starts, worked out from the region files before
/// anything starts: per region a PostgreSQL cluster on the file's database port, a gateway on
/// its `gateway_url` (`RELAY_CHAINER=off`) and a relay-dr on its `dr_url`, with the development
/// keys of `DIR/dev-keys` copied to 0600 files. Pure: ``LocalRegions`` carries it out.
public struct LocalRegionsPlan: Sendable {
    /// The regions folder, absolute.
    public let directory: URL
    /// Where logs and keys go.
    public let state: LocalStateFolder
    /// One plan per region file, sorted by region id.
    public let regions: [RegionPlan]
    /// Validations per second across the gateways (0: none).
    public let trafficRate: Double
    /// The relay-drs' admin token, also written to `keys/admin-token` (0600) for the coordinating commands.
    public let adminToken: String
    /// Where the admin token is written.
    public var adminTokenFile: URL { state.keys.appendingPathComponent("admin-token") }

    /// Plans the run.
    ///
    /// - Parameters:
    ///   - environment: resolves region files' `user_env`.
    ///   - jwtSecret: the HMAC secret all gateways share (so a token works on every region).
    ///   - parentPID: the pid children watch (`RELAY_PARENT_PID`), so they never outlive the run.
    ///   - adminToken: the relay-drs' `RELAY_DR_ADMIN_TOKEN` (switchover, pause, resume).
    public init(
        regions: RegionSet, directory: URL, options: LocalRegionsOptions, postgresSettings: [String: String],
        environment: [String: String], jwtSecret: String, parentPID: pid_t, adminToken: String = Hex.random(bytes: 24)
    ) {
        let state = options.run.state
        self.adminToken = adminToken
        self.directory = directory
        self.state = state
        self.trafficRate = options.trafficRate
        self.regions = regions.regions.map { region in
            let user = region.database.user.resolve(in: environment) ?? "relay"
            let database = [
                "RELAY_REGION": region.id, "RELAY_DB_HOST": ServerControl.host, "RELAY_DB_PORT": "\(region.database.port)",
                "RELAY_DB_NAME": region.database.name, "RELAY_DB_USER": user, "RELAY_PARENT_PID": "\(parentPID)",
            ]
            func key(_ purpose: String) -> DevKeyCopy {
                let name = "\(region.id)-\(purpose).key"
                return DevKeyCopy(
                    purpose: purpose, source: directory.appendingPathComponent("dev-keys").appendingPathComponent(name).path,
                    target: state.keys.appendingPathComponent(name).path)
            }
            let seal = key("seal")
            let ledger = key("ledger")
            let gateway = ChildProcessSpec(
                executable: options.run.executable("relay-gateway"), arguments: ["serve"],
                environment: database.merging([
                    "RELAY_POLICY_ENGINE": options.run.policyEngine, "RELAY_POLICY_DIR": options.run.policyDirectory,
                    "RELAY_PRIVATE_KEY_FILE": seal.target, "RELAY_API_HOST": region.gatewayURL.host ?? "127.0.0.1",
                    "RELAY_API_PORT": "\(region.gatewayURL.port ?? 80)", "RELAY_REGIONS_DIR": directory.path, "RELAY_CHAINER": "off",
                    "RELAY_JWT_SECRET": jwtSecret, "RELAY_AUTH_REQUIRED": "\(options.run.authRequired)",
                ]) { _, new in new },
                log: state.logs.appendingPathComponent("gateway-\(region.id).log"), healthURL: region.gatewayURL.joined(path: "/health"))
            let dr = ChildProcessSpec(
                executable: options.run.executable("relay-dr"), arguments: ["run"],
                environment: database.merging([
                    "RELAY_REGIONS_DIR": directory.path, "RELAY_LEDGER_KEY": "file:" + ledger.target, "RELAY_DR_ADMIN_TOKEN": adminToken,
                ]) { _, new in new },
                log: state.logs.appendingPathComponent("relay-dr-\(region.id).log"), healthURL: region.drURL.joined(path: "/health"))
            return RegionPlan(
                region: region, cluster: PostgresClusterOptions(name: region.id, port: region.database.port, extraSettings: postgresSettings),
                databaseName: region.database.name, databaseUser: user, sealKey: seal, ledgerKey: ledger, gateway: gateway, dr: dr)
        }
    }

    /// Every port the regions of `regions` listen on, which must be free before the run starts.
    public static func ports(of regions: RegionSet) -> [PortClaim] {
        regions.regions.flatMap { r in
            [("gateway", r.gatewayURL.port), ("relay-dr", r.drURL.port), ("postgres", r.database.port)].compactMap { service, port in
                port.map { PortClaim(port: $0, region: r.id, service: service) }
            }
        }
    }

    /// The gateways' base URLs, the traffic's targets.
    public var trafficGateways: [String] { regions.map { $0.region.gatewayURL.joined(path: "") } }
    /// The traffic generator's counters, every 10 s.
    public var trafficLog: URL { state.logs.appendingPathComponent("traffic.log") }
    /// The OPA server's log (with `--policy-engine opa`).
    public var opaLog: URL { state.logs.appendingPathComponent("opa.log") }
}
