import ArgumentParser
import Foundation
import RelayCore
import RelayLocal
import RelayReplication

/// `relay-dr drill --from A --to B [--kill] [--load RATE]`: a DR drill with measured RTO and RPO.
struct DrillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drill",
        abstract: "Run a DR drill: move a region's traffic and back, measuring RTO and RPO.",
        discussion: """
            Without --kill: a switchover of A to B, then a failback of A (RPO 0). With --kill: A's \
            gateway and PostgreSQL are killed (kill -9) by the kill command, A is failed over to B \
            (forced: the drill accepts the loss), restarted by the restart command, and failed back; \
            the realised RPO is the count of A's stranded records.

            With --load RATE, synthetic validations (and executions) run against the gateways \
            throughout, following the routing map as DNS would; each move's RTO is then measured \
            as the load sees it: from the command (or the kill) to the first validation of A's \
            traffic that succeeds at the region it was moved to. Without it, the commands' own \
            RTO (start → post-check). The load goes to 127.0.0.1 gateways only (the local run); \
            elsewhere drive your own load and use the commands' RTO.

            The kill and restart commands are shell commands with {region} for A's id: \
            --kill-command/--restart-command, else RELAY_DRILL_KILL_COMMAND and \
            RELAY_DRILL_RESTART_COMMAND (relay-local's env file sets them for the local run).

            Every step is recorded in the history, and the drill's report (RTO and RPO of each \
            move) too. --dry-run prints the pre-checks of the first move (and, with --kill, the kill \
            and restart commands) and changes nothing. Needs RELAY_DR_ADMIN_TOKEN. Exit codes: 0 \
            completed (or a dry run whose pre-checks pass), 1 refused, 2 usage or configuration \
            error, 3 stuck (the output says in which step; see runbooks/dr-drill.md).
            """)

    @OptionGroup var coordinator: CoordinatorOptions

    @Option(help: "The region whose traffic moves (and, with --kill, is killed).")
    var from: String

    @Option(help: "The region that takes it over during the drill.")
    var to: String

    @Flag(help: "Crash drill: kill -9 the region's gateway and PostgreSQL, forced failover, restart, failback.")
    var kill = false

    @Option(help: "Synthetic validations per second during the drill (0: none).")
    var load: Double = 0

    @Option(help: "Shell command that kills the region ({region} is replaced). Default: $RELAY_DRILL_KILL_COMMAND.")
    var killCommand: String?

    @Option(help: "Shell command that starts the region again. Default: $RELAY_DRILL_RESTART_COMMAND.")
    var restartCommand: String?

    @Option(help: "Seconds of load before the first move and between the moves.")
    var settle: Double = 2

    @Option(help: "Why (recorded in the ledger and the history).")
    var reason = "DR drill"

    @Flag(help: "Print the plan and the pre-checks of the first move; change nothing.")
    var dryRun = false

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    func validate() throws {
        guard from != to else { throw ValidationError("--from and --to must be different regions") }
        guard load >= 0, load <= 10_000 else { throw ValidationError("--load must be in [0, 10000] validations per second") }
        guard settle >= 0, settle <= 600 else { throw ValidationError("--settle must be in [0, 600] seconds") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var options = Drill.Options(from: from, to: to, operatorName: coordinator.operator, reason: reason)
        options.kill = kill
        options.killCommand = killCommand ?? environment["RELAY_DRILL_KILL_COMMAND"].flatMap { $0.isEmpty ? nil : $0 }
        options.restartCommand = restartCommand ?? environment["RELAY_DRILL_RESTART_COMMAND"].flatMap { $0.isEmpty ? nil : $0 }
        options.settle = .milliseconds(Int64(settle * 1000))
        options.dryRun = dryRun
        if kill, !dryRun, options.killCommand == nil || options.restartCommand == nil {
            throw CoordinatorOptions.configurationError(
                "a crash drill needs --kill-command and --restart-command (or RELAY_DRILL_KILL_COMMAND and RELAY_DRILL_RESTART_COMMAND)")
        }
        let coordinator = self.coordinator
        let rate = load
        let question = kill
            ? "Drill: kill -9 \(from)'s gateway and PostgreSQL, fail it over to \(to) (losing what it did not ship), restart it and fail it back?"
            : "Drill: switch \(from)'s traffic over to \(to) and back?"
        try await coordinator.drive([from, to], dryRun: dryRun, yes: yes, question: question) { regions, client in
            var generator: TrafficGenerator?
            if rate > 0, !options.dryRun {
                let ids = regions.ids
                let gateways = ids.map { regions.region($0)!.gatewayURL.absoluteString }
                // Read often: the drill measures when the traffic moves, not how slow a DNS TTL is.
                let routing = TrafficRouting(
                    regions: ids, gateways: gateways, relayDRs: ids.map { regions.region($0)!.drURL.absoluteString }, interval: .milliseconds(200))
                do { generator = try TrafficGenerator(gateways: gateways, rate: rate, routing: routing) } catch {
                    coordinator.say("drill: no load: \(error)")
                }
            }
            let traffic = generator.map { g in Task { await g.run() } }
            let report = await Drill(regions: regions, client: client, options: options, load: generator, say: { coordinator.say($0) }).run()
            traffic?.cancel()
            if let stats = await traffic?.value {
                coordinator.say("load: \(stats.sent) validated (\(stats.approved) approved), \(stats.executed) executed, \(stats.errors) errors"
                    + (stats.lastError.map { " (last: \($0))" } ?? ""))
            }
            return report
        }
    }
}

extension TrafficGenerator: DrillLoad {}
