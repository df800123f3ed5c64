import ArgumentParser
import Foundation
import Logging
import RelayCore
import RelayLocal
import RelayPolicy

@main
struct RelayLocalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay-local",
        abstract: "Run Relay locally: temporary PostgreSQL clusters plus gateways, torn down on exit.",
        subcommands: [Up.self, Traffic.self, Reap.self],
        defaultSubcommand: Up.self)
}

struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start local regions (PostgreSQL + gateway [+ relay-dr]), print their URLs, stop everything on Ctrl-C.",
        discussion: """
            Everything runs on 127.0.0.1. Logs go to <state-dir>/logs/. The seal key is kept in \
            <state-dir>/keys/ (mode 0600) so seals stay verifiable across restarts.

            With --regions DIR (e.g. regions/local): for every region file, a PostgreSQL cluster on \
            the file's port, a gateway on its gateway_url (RELAY_CHAINER=off) and a relay-dr on its \
            dr_url, using the development keys of DIR/dev-keys (copied to 0600 files in \
            <state-dir>/keys/), plus traffic (--traffic-rate validations/s across the gateways). \
            Without it: one region (--region, --gateway-port) with the gateway's embedded chainer.
            """)

    @Option(help: "Folder of region files: start every region in it, replicating (e.g. regions/local).")
    var regions: String?

    @Option(help: "With --regions: manifests validated per second across all gateways (0: no traffic).")
    var trafficRate: Double = 20

    @Option(help: "With --regions: an extra PostgreSQL setting for every cluster, name=value (repeatable).")
    var pgSetting: [String] = []

    @Option(help: "Region id of the local region.")
    var region = "local-1"

    @Option(help: "Gateway HTTP port.")
    var gatewayPort = 8000

    @Option(help: "Where logs and keys go.")
    var stateDir = ".local"

    @Option(help: "Folder with the builtin engine's YAML policies.")
    var policyDir = "gateway/policies"

    @Option(help: "Policy engine of the gateway: builtin, or opa (starts tools/opa_server.py and pushes the compiled policies). Default: $RELAY_POLICY_ENGINE, else builtin.")
    var policyEngine = ProcessInfo.processInfo.environment["RELAY_POLICY_ENGINE"].flatMap { $0.isEmpty ? nil : $0 } ?? "builtin"

    @Option(help: "The local OPA server script (for --policy-engine opa).")
    var opaServer = "tools/opa_server.py"

    @Flag(help: "Start, check health, print the URLs and stop again (smoke test of the run command).")
    var once = false

    @Option(help: "Also write the topology as shell variables to this file (for scripts such as bench/).")
    var envFile: String?

    @Flag(help: "Require JWTs on validate/audit/mark-executed (RELAY_AUTH_REQUIRED=true). Off by default for the demo.")
    var authRequired = false

    func validate() throws {
        guard (0...10_000).contains(trafficRate) else { throw ValidationError("--traffic-rate must be in 0...10000") }
        guard ["builtin", "opa"].contains(policyEngine) else {
            throw ValidationError("--policy-engine must be 'builtin' or 'opa' (got '\(policyEngine)')")
        }
    }

    func run() async throws {
        if let regions { return try await runRegions(regions) }
        var logger = Logger(label: "relay-local")
        logger.logLevel = .info
        let state = URL(fileURLWithPath: stateDir, isDirectory: true).standardizedFileURL
        let logs = state.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)

        let reaped = PostgresCluster.reapLeftovers(logger: logger)
        if reaped > 0 { logger.notice("stopped \(reaped) leftover cluster(s) from an earlier run") }

        let cluster = try await PostgresCluster.start(PostgresClusterOptions(name: region), logger: logger)
        var gateway: Process?
        var opa: OPAServer?
        do {
            try await cluster.createRole("relay", password: nil, login: true, superuser: false)
            try await cluster.createDatabase("relay", owner: "relay")
            let keys = state.appendingPathComponent("keys")
            let keyFile = try secretFile(in: keys, name: "\(region)-seal.key") { Base64.encode(SigningKey.generate().seed) }
            let jwtSecret = try String(contentsOfFile: try secretFile(in: keys, name: "jwt.secret") { Hex.random(bytes: 32) }, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            var env = [
                "RELAY_REGION": region, "RELAY_DB_HOST": cluster.host, "RELAY_DB_PORT": "\(cluster.port)",
                "RELAY_DB_NAME": "relay", "RELAY_DB_USER": "relay", "RELAY_PRIVATE_KEY_FILE": keyFile,
                "RELAY_API_HOST": "127.0.0.1", "RELAY_API_PORT": "\(gatewayPort)", "RELAY_POLICY_DIR": policyDir,
                "RELAY_JWT_SECRET": jwtSecret, "RELAY_AUTH_REQUIRED": "\(authRequired)",
            ]
            env["RELAY_POLICY_ENGINE"] = policyEngine
            if policyEngine == "opa" {
                opa = try await startOPA(log: logs.appendingPathComponent("opa-\(region).log").path, logger: logger)
                env["RELAY_OPA_URL"] = opa!.url
            }
            let logFile = logs.appendingPathComponent("gateway-\(region).log")
            gateway = try LocalProcess.launch(executable: LocalProcess.sibling("relay-gateway"), environment: env, log: logFile)
            let url = "http://127.0.0.1:\(gatewayPort)"
            try await LocalProcess.waitForHealth(url + "/health", process: gateway!, log: logFile)
            if let envFile {
                let text = """
                    RELAY_LOCAL_REGION=\(region)
                    RELAY_LOCAL_GATEWAY_URL=\(url)
                    RELAY_LOCAL_PG_HOST=\(cluster.host)
                    RELAY_LOCAL_PG_PORT=\(cluster.port)
                    RELAY_LOCAL_PG_SUPERUSER=\(cluster.superuser)
                    RELAY_LOCAL_PG_DATABASE=relay
                    RELAY_LOCAL_POLICY_ENGINE=\(policyEngine)
                    RELAY_LOCAL_OPA_URL=\(opa?.url ?? "")

                    """
                try text.write(toFile: envFile, atomically: true, encoding: .utf8)
            }
            print(
                """

                Relay is running locally.
                  region      \(region)
                  gateway     \(url)   (health: \(url)/health)
                  policy      \(opa.map { "opa at \($0.url) (log: \(logs.path)/opa-\(region).log)" } ?? "builtin (\(policyDir))")
                  postgres    postgresql://postgres@127.0.0.1:\(cluster.port)/relay   (data: \(cluster.directory))
                  logs        \(logs.path)/

                Try it:
                  curl -s -X POST \(url)/v1/manifest/validate -H 'content-type: application/json' \\
                    -d '{"manifest":{"agent":{"agent_id":"agent_demo","org_id":"org_demo"},"action":{"provider":"stripe","method":"create_payment","parameters":{"amount":1500,"currency":"usd"}},"justification":{"reasoning":"demo checkout"}}}'
                  curl -s '\(url)/v1/audit/stats'
                  curl -s -X POST \(url)/v1/orgs/register -H 'content-type: application/json' \\
                    -d '{"org_name":"Demo","contact_email":"ops@demo.test"}'      # → access_token for the agent

                Auth is \(authRequired ? "REQUIRED (send Authorization: Bearer <access_token>)" : "optional (--auth-required to enforce it)").

                Press Ctrl-C to stop and remove everything.
                """)
            if !once { await LocalProcess.waitForTerminationSignal() }
        } catch {
            logger.error("start-up failed: \(error)")
            gateway.map(LocalProcess.stop)
            await opa?.stop()
            try? await cluster.stop()
            throw ExitCode.failure
        }
        logger.info("stopping")
        gateway.map(LocalProcess.stop)
        await opa?.stop()
        try await cluster.stop()
        logger.info("stopped; nothing left running")
    }

    /// Starts the local OPA server (the real OPA engine) and pushes the compiled policies to it.
    func startOPA(log: String, logger: Logger) async throws -> OPAServer {
        let script = URL(fileURLWithPath: opaServer).standardizedFileURL
        let repositoryRoot = script.deletingLastPathComponent().deletingLastPathComponent().path
        try OPAServer.installEngine(repositoryRoot: repositoryRoot)
        let policies: PolicySet
        do {
            policies = try PolicySet.load(directory: policyDir)
        } catch {
            throw ValidationError("\(error)")
        }
        let server = try await OPAServer.start(script: script.path, log: log)
        do {
            let modules = RegoCompiler.compile(policies)
            try await OPAPolicyPublisher(url: server.url).push(modules.all)
            logger.info("OPA ready", metadata: ["url": "\(server.url)", "policy_version": "\(modules.policyVersion)"])
        } catch {
            await server.stop()
            throw error
        }
        return server
    }

    /// A secret file in `dir`, created (0600) with `make()` on first use, so keys survive restarts.
    private func secretFile(in dir: URL, name: String, make: () -> String) throws -> String {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = dir.appendingPathComponent(name).path
        if !FileManager.default.fileExists(atPath: file) {
            guard FileManager.default.createFile(atPath: file, contents: Data((make() + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("cannot write \(file)")
            }
        }
        return file
    }
}

struct Reap: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop and remove local clusters left behind by crashed runs (only ones this tool created).")

    func run() throws {
        let n = PostgresCluster.reapLeftovers(logger: Logger(label: "relay-local"))
        print("reaped \(n) leftover cluster(s)")
    }
}
