import ArgumentParser
import Foundation
import Hummingbird
import Logging
import RelayCore
import RelayLedger
import RelayReplication
import RelayStore
import ServiceLifecycle

/// `relay-dr run`: the region's daemon (replication API, shippers, lag sampling, chainer).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the region's relay-dr daemon: chainer, shipping to every peer, receiving from them.",
        discussion: """
            Applies pending migrations, then: links committed ledger records into the region's hash \
            chain; ships the chain to every other region of RELAY_REGIONS_DIR as signed batches \
            (RELAY_LEDGER_KEY signs them); applies the batches peers send to its replication API \
            (RELAY_DR_LISTEN, default: the port of this region's dr_url); samples replication lag. \
            Stops cleanly on SIGTERM/SIGINT. Several copies are safe for chaining (one leads); run \
            one shipping daemon per region. \
            Batches: RELAY_DR_MAX_BATCH_RECORDS (1000), RELAY_DR_MAX_BATCH_BYTES (4 MiB), \
            RELAY_DR_LINGER_MS (50, the wait when nothing is new), RELAY_DR_MAX_IN_FLIGHT (4 batches \
            per peer awaiting an answer); RELAY_DR_MAX_BODY_BYTES (16 MiB) bounds what is accepted.

            TLS: RELAY_DR_TLS_CERT + RELAY_DR_TLS_KEY serve the replication port over TLS (this \
            region's dr_url must then be https); RELAY_DR_TLS_CLIENT_CA also requires a client \
            certificate from those CAs (mutual TLS). Towards https peers the shipper trusts \
            RELAY_DR_TLS_CA (default: the system's roots) and presents RELAY_DR_TLS_CLIENT_CERT + \
            RELAY_DR_TLS_CLIENT_KEY; with either set, every peer's dr_url must be https. Key \
            settings take a path or a key source (file:, secret:, env:); key files must be mode 0600.

            --chainer-only runs just the chainer against RELAY_DB_* (single-region installs). \
            Settings: README, "relay-dr configuration"; wire format: docs/replication.md.
            """)

    @OptionGroup var options: RegionDatabaseOptions

    @Flag(help: "Run only the ledger chainer (no replication; needs only RELAY_DB_*).")
    var chainerOnly = false

    @Option(help: "Pause after a chaining step that did not fill a batch, in milliseconds.")
    var pollMs: Int = 50

    @Option(help: "Records linked per chaining transaction.")
    var batchLimit: Int = 1000

    func validate() throws {
        guard (1...60_000).contains(pollMs) else { throw ValidationError("--poll-ms must be in 1...60000") }
        guard (1...100_000).contains(batchLimit) else { throw ValidationError("--batch-limit must be in 1...100000") }
    }

    func run() async throws {
        ParentWatch.start()
        let logger = makeLogger("relay-dr")
        var chainerOptions = Chainer.Options()
        chainerOptions.pollInterval = .milliseconds(pollMs)
        chainerOptions.batchLimit = batchLimit
        if chainerOnly { return try await runChainer(chainerOptions, logger: logger) }
        var config: DRConfiguration
        do {
            config = try DRConfiguration.fromEnvironment(ProcessInfo.processInfo.environment, region: options.region)
        } catch {
            FileHandle.standardError.write(Data("relay-dr: configuration error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        config.chainer = chainerOptions
        let daemon = DRDaemon(configuration: config, logger: logger)
        logger.info("relay-dr starting", metadata: ["region": "\(config.region)", "database": "\(config.database)"])
        do { try await daemon.run() } catch let error as DRStartError {
            FileHandle.standardError.write(Data("relay-dr: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func runChainer(_ chainerOptions: Chainer.Options, logger: Logger) async throws {
        let region = try options.regionID()
        let database = try options.database(logger: logger)
        let gate = ReadyGate()
        let chainer = Chainer(region: region, database: database, options: chainerOptions, gate: gate, logger: logger)
        let migrate = MigrationService(database: database, gate: gate, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: database.client), .init(service: migrate), .init(service: chainer)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.info("relay-dr chainer starting", metadata: ["region": "\(region)", "database": "\(database.configuration)"])
        try await group.run()
    }
}
