import ArgumentParser
import Foundation
import Logging
import RelayCore
import RelayGateway
import RelayPolicy
import RelayStore

@main
struct RelayGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay-gateway",
        abstract: "Relay governance gateway: evaluates agent manifests, signs seals, keeps the audit trail.",
        discussion: """
            Configuration comes from RELAY_* environment variables (see README, "Configuration").
            A missing or invalid setting stops start-up with one line naming it.
            """,
        subcommands: [Serve.self, Keygen.self, PolicyCommand.self],
        defaultSubcommand: Serve.self)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the HTTP API (default). Applies database migrations first.")

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        let config: GatewayConfiguration
        let policy: any PolicyEngine
        do {
            config = try GatewayConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
            switch config.policyEngine {
            case .builtin: policy = try BuiltinPolicyEngine.load(directory: config.policyDirectory)
            case .opa(let opa): policy = OPAPolicyEngine(configuration: opa)
            }
        } catch {
            FileHandle.standardError.write(Data("relay-gateway: configuration error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let level = logLevel
        let format = config.logFormat
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler
            switch format {
            case .text: handler = StreamLogHandler.standardError(label: label)
            case .json: handler = JSONLogHandler(label: label)
            }
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "relay-gateway")
        var metadata: Logger.Metadata = [
            "region": "\(config.region)", "listen": "\(config.apiHost):\(config.apiPort)",
            "database": "\(config.database)", "seal_key_id": "\(config.sealKey.keyID)",
            "policy_engine": "\(policy.name)",
            "rate_limit_rps": "\(config.rateLimitRPS)", "rate_limit_burst": "\(config.rateLimitBurst)",
            "cors": "\(config.corsOrigins.map { "\($0)" } ?? "off")", "log_format": "\(config.logFormat.rawValue)",
            "auth_required": "\(config.authRequired)",
        ]
        switch config.policyEngine {
        case .builtin: metadata["policy_dir"] = "\(config.policyDirectory)"
        case .opa(let opa):
            metadata["opa_url"] = "\(opa.url)"
            metadata["policy_path"] = "\(opa.policyPath)"
        }
        logger.info("starting", metadata: metadata)
        if case .opa = config.policyEngine {
            // Not fatal: the gateway answers 503 until OPA is up, and recovers by itself.
            do {
                let version = try await policy.policyVersion()
                logger.info("OPA reachable", metadata: ["policy_version": "\(version)"])
            } catch {
                logger.warning("OPA not ready; validations fail closed (503) until it answers", metadata: ["error": "\(error)"])
            }
        }
        let database = Database(configuration: config.database, logger: logger)
        let services = await GatewayServices(configuration: config, database: database, policy: policy, logger: logger)
        do {
            try await Gateway.application(services: services, logger: logger).runService()
        } catch {
            try? await (policy as? OPAPolicyEngine)?.shutdown()
            throw error
        }
        try await (policy as? OPAPolicyEngine)?.shutdown()
    }
}

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate an Ed25519 seal key.",
        discussion: """
            Prints the base64 32-byte seed (the secret: put it in RELAY_PRIVATE_KEY or a 0600 file
            named by RELAY_PRIVATE_KEY_FILE), the public key and its key_id. With --out, writes the
            seed to a new 0600 file instead of printing it.
            """)

    @Option(help: "Write the seed to this file (mode 0600; refuses to overwrite).")
    var out: String?

    func run() throws {
        let (key, seed) = SigningKey.generate()
        let seedText = Base64.encode(seed)
        if let out {
            do { try KeyFile.create(at: out, seed: seed) } catch { throw ValidationError("\(error)") }
            print("seed_file=\(out)")
        } else {
            print("private_key=\(seedText)")
        }
        print("public_key=\(Base64.encode(key.publicKey))")
        print("key_id=\(key.keyID)")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
