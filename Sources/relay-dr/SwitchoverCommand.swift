import ArgumentParser
import Foundation
import RelayCore
import RelayReplication

/// `relay-dr switchover --from A --to B`: the planned move of A's traffic to B (RPO 0).
struct SwitchoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchover",
        abstract: "Move a region's traffic to another region with no data loss (planned).",
        discussion: """
            Pre-checks (A reachable, B's relay-dr and gateway healthy, both active, A not paused, \
            A → B lag within A's max_lag_on_failover, B's copy of A not quarantined), then fences A \
            (its database refuses new manifests, seals and executions), waits until B has applied \
            A's ledger up to the fence (--drain-timeout; on timeout A is unfenced and the switchover \
            aborts), records the takeover in B's ledger at A's next epoch (B then serves A's traffic \
            and executes A's seals), and checks that B's routing and gateway serve A. B's region \
            file hooks run on this machine: pre_promote before the takeover (a failure unfences A \
            and aborts), on_route_change after it (a failure is a warning; the takeover stands).

            Every change is a region_control ledger entry, replicated to every region. Run again \
            after an interruption, the command resumes the switchover it finds half-done.

            Needs RELAY_DR_ADMIN_TOKEN (the relay-drs' admin token). Exit codes: 0 completed (or a \
            dry run whose pre-checks pass), 1 refused, aborted or rolled back (nothing changed), \
            2 usage or configuration error, 3 stuck: an operator must act (run it again to resume).
            """)

    @OptionGroup var coordinator: CoordinatorOptions

    @Option(help: "The region whose traffic moves.")
    var from: String

    @Option(help: "The region that takes it over.")
    var to: String

    @Option(help: "Why (recorded in the ledger and the history).")
    var reason = "switchover"

    @Option(help: "Seconds to wait for the target to apply the source's records after the fence.")
    var drainTimeout: Double = 30

    @Flag(help: "Print the plan and every pre-check; change nothing.")
    var dryRun = false

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    @Flag(help: "Proceed although the source region is paused.")
    var force = false

    func validate() throws {
        guard from != to else { throw ValidationError("--from and --to must be different regions") }
        guard drainTimeout > 0, drainTimeout <= 3600 else { throw ValidationError("--drain-timeout must be in (0, 3600] seconds") }
    }

    func run() async throws {
        var options = Switchover.Options(from: from, to: to, operatorName: coordinator.operator, reason: reason)
        options.dryRun = dryRun
        options.force = force
        options.drainTimeout = .milliseconds(Int64(drainTimeout * 1000))
        let coordinator = self.coordinator
        try await coordinator.drive([from, to], dryRun: dryRun, yes: yes, question: "Switch \(from)'s traffic over to \(to)?") { regions, client in
            await Switchover(regions: regions, client: client, options: options, say: { coordinator.say($0) }).run()
        }
    }
}
