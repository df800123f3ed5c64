import ArgumentParser
import Logging
import RelayReplication
import RelayStore
import ServiceLifecycle

/// `relay-dr run`: the region's daemon. For now it runs the chainer (replication follows).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the region's relay-dr daemon (currently: the ledger chainer).",
        discussion: """
            Applies pending migrations, then links committed ledger records into the region's hash
            chain until SIGTERM/SIGINT. Several copies may run: one leads (PostgreSQL advisory lock),
            the others stand by and take over within one poll interval.
            """)

    @OptionGroup var options: RegionDatabaseOptions

    @Option(help: "Pause after a chaining step that did not fill a batch, in milliseconds.")
    var pollMs: Int = 50

    @Option(help: "Records linked per chaining transaction.")
    var batchLimit: Int = 1000

    func validate() throws {
        guard (1...60_000).contains(pollMs) else { throw ValidationError("--poll-ms must be in 1...60000") }
        guard (1...100_000).contains(batchLimit) else { throw ValidationError("--batch-limit must be in 1...100000") }
    }

    func run() async throws {
        let region = try options.regionID()
        let logger = makeLogger("relay-dr")
        let database = try options.database(logger: logger)
        var chainerOptions = Chainer.Options()
        chainerOptions.pollInterval = .milliseconds(pollMs)
        chainerOptions.batchLimit = batchLimit
        let gate = ReadyGate()
        let chainer = Chainer(region: region, database: database, options: chainerOptions, gate: gate, logger: logger)
        let migrate = MigrationService(database: database, gate: gate, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: database.client), .init(service: migrate), .init(service: chainer)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.info("relay-dr starting", metadata: ["region": "\(region)", "database": "\(database.configuration)"])
        try await group.run()
    }
}

/// Applies migrations once, opens the gate, then idles until shutdown.
struct MigrationService: Service {
    let database: Database
    let gate: ReadyGate
    let logger: Logger

    func run() async throws {
        let applied = try await Migrator(database: database).migrate()
        logger.info("database ready", metadata: ["migrations_applied": "\(applied)"])
        gate.open()
        try? await gracefulShutdown()
    }
}
