import ArgumentParser
import Foundation
import Logging
import RelayLocal

/// `relay-local up`: one region, or every region of a folder (`--regions`), until Ctrl-C.
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
        // First, so that a signal (or the end of RELAY_PARENT_PID) during start-up also tears down.
        let stop = StopSignal.forCommand()
        var logger = Logger(label: "relay-local")
        logger.logLevel = .info
        let options = LocalRunOptions(
            stateDirectory: stateDir, policyDirectory: policyDir, policyEngine: policyEngine, opaServerScript: opaServer,
            once: once, envFile: envFile, authRequired: authRequired)
        let outcome: LocalRunOutcome
        do {
            if let regions {
                let regionsOptions = LocalRegionsOptions(regionsDirectory: regions, trafficRate: trafficRate, postgresSettings: pgSetting, run: options)
                outcome = try await LocalRegions(options: regionsOptions, logger: logger).run(stop: stop)
            } else {
                outcome = try await SingleRegion(options: SingleRegionOptions(region: region, gatewayPort: gatewayPort, run: options), logger: logger)
                    .run(stop: stop)
            }
        } catch let error as LocalRunError where error.isInputError {
            throw ValidationError(error.description)
        }
        if outcome == .failed { throw ExitCode.failure }
    }
}
