import ArgumentParser
import Foundation
import Logging
import RelayCore
import RelayGateway
import RelayStore
import RelaySystem

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
        let policy: ConfiguredPolicyEngine
        do {
            config = try GatewayConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
            policy = try ConfiguredPolicyEngine(configuration: config)
        } catch {
            FileHandle.standardError.write(Data("relay-gateway: configuration error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let level = logLevel
        let format = config.logFormat
        LoggingSystem.bootstrap { label in format.handler(label: label, level: level) }
        let logger = Logger(label: "relay-gateway")
        logger.info("starting", metadata: config.startupMetadata.merging(policy.metadata) { $1 })
        let database = Database(configuration: config.database, logger: logger)
        let services = await GatewayServices(configuration: config, database: database, policyEngine: policy, logger: logger)
        try await Gateway.run(services: services, logger: logger)
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
