import ArgumentParser
import Foundation
import RelayCore
import RelayReplication

/// `relay-dr failback --to A`: A serves its own traffic again after a switchover or failover.
struct FailbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failback",
        abstract: "Return a region's traffic to it after a switchover or a forced failover.",
        discussion: """
            For a region that is back and taken over (its database refuses its own writes). \
            Pre-checks (A reachable and healthy, A knows it is taken over, A has chained everything, \
            its successor S reachable, A's copy of S not quarantined) and the list of A's stranded \
            records: after a forced failover, the entries of A's ledger beyond the seq S held at the \
            takeover, which no region accepted. Then waits until A has applied S's ledger up to S's \
            head (--catch-up-timeout; on timeout nothing changes), records the failback in S's \
            ledger (after every execution S made of A's seals) with the stranded range, and waits \
            until A applies it: A serves its traffic and executes its seals again at a new epoch, \
            and its stranded records replicate like any record. They are never merged into another \
            region's chain or dropped: they stay in A's ledger, and the history names them.

            Needs RELAY_DR_ADMIN_TOKEN. Exit codes: 0 completed (or a dry run whose pre-checks \
            pass), 1 refused (nothing changed), 2 usage or configuration error, 3 stuck: run it \
            again to resume.
            """)

    @OptionGroup var coordinator: CoordinatorOptions

    @Option(help: "The region that serves its own traffic again.")
    var to: String

    @Option(help: "Why (recorded in the ledger and the history).")
    var reason = "failback"

    @Option(help: "Seconds to wait for the region to catch up on its successor, and to apply the failback.")
    var catchUpTimeout: Double = 60

    @Flag(help: "Print the plan, every pre-check and the stranded records; change nothing.")
    var dryRun = false

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    func validate() throws {
        guard catchUpTimeout > 0, catchUpTimeout <= 3600 else { throw ValidationError("--catch-up-timeout must be in (0, 3600] seconds") }
    }

    func run() async throws {
        var options = Failback.Options(to: to, operatorName: coordinator.operator, reason: reason)
        options.dryRun = dryRun
        options.catchUpTimeout = .milliseconds(Int64(catchUpTimeout * 1000))
        let coordinator = self.coordinator
        try await coordinator.drive([to], dryRun: dryRun, yes: yes, question: "Return \(to)'s traffic to \(to)?") { regions, client in
            let report = await Failback(regions: regions, client: client, options: options, say: { coordinator.say($0) }).run()
            for entry in report.strandedEntries {
                coordinator.say(
                    "stranded  seq \(entry["seq"]?.numberValue.map { String(Int64($0)) } ?? "?")  \(entry["kind"]?.stringValue ?? "?")  "
                        + "\(entry["subject"]?.stringValue ?? "?")  committed \(entry["committed_at"]?.stringValue ?? "?")")
            }
            return report
        }
    }
}
