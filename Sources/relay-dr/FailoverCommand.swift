import ArgumentParser
import Foundation
import RelayCore
import RelayReplication

/// `relay-dr failover --from A --to B --allow-data-loss`: the unplanned move, A being lost.
struct FailoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failover",
        abstract: "Move a lost region's traffic to another region, accepting the loss of what it did not ship (forced).",
        discussion: """
            For a region that cannot be reached (its relay-dr does not answer with its database). \
            Pre-checks (--allow-data-loss given, A unreachable, B's relay-dr and gateway healthy, A \
            not taken over, B active, A not paused, B's copy of A not quarantined) and the loss \
            estimate: A's last head known to any reachable region against what B holds of A, in \
            records and seconds, plus whatever A committed and shipped nowhere (counted when A comes \
            back). Then records the takeover in B's ledger at A's next epoch, with the seq of A's \
            ledger B holds and the accepted loss: B serves A's traffic, no region accepts A's \
            records beyond that seq until A fails back, and A's seals issued before the takeover \
            never execute anywhere (agents validate again). When A comes back it is taken over \
            (its database refuses writes) until `relay-dr failback --to A`.

            A reachable region is moved with `relay-dr switchover` (no data loss); failover refuses it.

            Needs RELAY_DR_ADMIN_TOKEN. Exit codes: 0 completed (or a dry run whose pre-checks \
            pass), 1 refused (nothing changed), 2 usage or configuration error, 3 stuck: run it \
            again to resume.
            """)

    @OptionGroup var coordinator: CoordinatorOptions

    @Option(help: "The lost region.")
    var from: String

    @Option(help: "The region that takes over its traffic.")
    var to: String

    @Option(help: "Why (recorded in the ledger and the history).")
    var reason = "forced failover"

    @Flag(help: "Accept losing what the lost region committed and did not ship (required).")
    var allowDataLoss = false

    @Flag(help: "Print the plan, every pre-check and the loss estimate; change nothing.")
    var dryRun = false

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    @Flag(help: "Proceed although the lost region is paused.")
    var force = false

    func validate() throws {
        guard from != to else { throw ValidationError("--from and --to must be different regions") }
    }

    func run() async throws {
        var options = Failover.Options(from: from, to: to, operatorName: coordinator.operator, reason: reason)
        options.dryRun = dryRun
        options.allowDataLoss = allowDataLoss
        options.force = force
        let coordinator = self.coordinator
        let question = "Fail \(from) over to \(to), losing what \(from) did not ship?"
        try await coordinator.drive([from, to], dryRun: dryRun, yes: yes, question: question) { regions, client in
            await Failover(regions: regions, client: client, options: options, say: { coordinator.say($0) }).run()
        }
    }
}
