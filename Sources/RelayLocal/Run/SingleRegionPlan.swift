import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What `relay-local up` (one region) starts: a PostgreSQL cluster on a free port with a `relay`
/// database, and a gateway with its embedded chainer on 127.0.0.1:`gatewayPort`, signing with a
/// seal key kept in the state folder. Pure: ``SingleRegion`` carries it out.
public struct SingleRegionPlan: Sendable {
    /// What was asked for.
    public let options: SingleRegionOptions
    /// Where logs and keys go.
    public let state: LocalStateFolder
    /// The pid the gateway watches (`RELAY_PARENT_PID`).
    public let parentPID: pid_t

    /// Plans the run.
    public init(options: SingleRegionOptions, parentPID: pid_t) {
        self.options = options
        self.state = options.run.state
        self.parentPID = parentPID
    }

    /// The cluster: labelled with the region id, on a free port.
    public var cluster: PostgresClusterOptions { PostgresClusterOptions(name: options.region) }
    /// The database, and the role that owns it.
    public var database: String { "relay" }
    /// The gateway's base URL.
    public var gatewayURL: String { "http://127.0.0.1:\(options.gatewayPort)" }
    /// The seal key file, created on first use and kept (so seals stay verifiable across runs).
    public var sealKeyName: String { "\(options.region)-seal.key" }
    /// The gateways' JWT secret file, created on first use and kept.
    public var jwtSecretName: String { "jwt.secret" }
    /// The OPA server's log (with `--policy-engine opa`).
    public var opaLog: URL { state.logs.appendingPathComponent("opa-\(options.region).log") }

    /// The gateway, once the cluster's port, the secret and (with OPA) the server's URL are known.
    public func gateway(databasePort: Int, jwtSecret: String, opaURL: String?) -> ChildProcessSpec {
        var environment = [
            "RELAY_REGION": options.region, "RELAY_DB_HOST": ServerControl.host, "RELAY_DB_PORT": "\(databasePort)",
            "RELAY_DB_NAME": database, "RELAY_DB_USER": database, "RELAY_PRIVATE_KEY_FILE": state.keys.appendingPathComponent(sealKeyName).path,
            "RELAY_API_HOST": "127.0.0.1", "RELAY_API_PORT": "\(options.gatewayPort)", "RELAY_POLICY_DIR": options.run.policyDirectory,
            "RELAY_JWT_SECRET": jwtSecret, "RELAY_AUTH_REQUIRED": "\(options.run.authRequired)",
            "RELAY_POLICY_ENGINE": options.run.policyEngine, "RELAY_PARENT_PID": "\(parentPID)",
        ]
        if let opaURL { environment["RELAY_OPA_URL"] = opaURL }
        return ChildProcessSpec(
            executable: options.run.executable("relay-gateway"), arguments: [], environment: environment,
            log: state.logs.appendingPathComponent("gateway-\(options.region).log"), healthURL: gatewayURL + "/health")
    }

    /// `--env-file`: the topology as shell variables, for scripts such as bench/.
    public func environmentFile(databasePort: Int, opaURL: String?) -> String {
        """
        RELAY_LOCAL_REGION=\(options.region)
        RELAY_LOCAL_GATEWAY_URL=\(gatewayURL)
        RELAY_LOCAL_PG_HOST=\(ServerControl.host)
        RELAY_LOCAL_PG_PORT=\(databasePort)
        RELAY_LOCAL_PG_SUPERUSER=\(ServerControl.superuser)
        RELAY_LOCAL_PG_DATABASE=\(database)
        RELAY_LOCAL_POLICY_ENGINE=\(options.run.policyEngine)
        RELAY_LOCAL_OPA_URL=\(opaURL ?? "")

        """
    }

    /// What the run prints once the gateway answers.
    public func banner(databasePort: Int, clusterDirectory: String, opaURL: String?) -> String {
        let url = gatewayURL
        let logs = state.logs
        let region = options.region
        return """

            Relay is running locally.
              region      \(region)
              gateway     \(url)   (health: \(url)/health)
              policy      \(opaURL.map { "opa at \($0) (log: \(logs.path)/opa-\(region).log)" } ?? "builtin (\(options.run.policyDirectory))")
              postgres    postgresql://postgres@127.0.0.1:\(databasePort)/relay   (data: \(clusterDirectory))
              logs        \(logs.path)/

            Try it:
              curl -s -X POST \(url)/v1/manifest/validate -H 'content-type: application/json' \\
                -d '{"manifest":{"agent":{"agent_id":"agent_demo","org_id":"org_demo"},"action":{"provider":"stripe","method":"create_payment","parameters":{"amount":1500,"currency":"usd"}},"justification":{"reasoning":"demo checkout"}}}'
              curl -s '\(url)/v1/audit/stats'
              curl -s -X POST \(url)/v1/orgs/register -H 'content-type: application/json' \\
                -d '{"org_name":"Demo","contact_email":"ops@demo.test"}'      # → access_token for the agent

            Auth is \(options.run.authRequired ? "REQUIRED (send Authorization: Bearer <access_token>)" : "optional (--auth-required to enforce it)").

            Press Ctrl-C to stop and remove everything.
            """
    }
}
