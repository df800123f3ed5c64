import ArgumentParser
import RelayLocal

/// `relay-local stop --region X`: a clean stop of one region of the running up.
struct Stop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop one region's processes cleanly in the running `relay-local up --regions` (TERM, then wait).",
        discussion: """
            relay-dr and the gateway get SIGTERM (SIGKILL after 10 s if they are still there), \
            PostgreSQL `pg_ctl stop -m fast`; the command returns once they are gone. The other \
            regions keep running; `relay-local restart` brings the region back.

            Example: relay-local stop --region eu-west-1 --component dr
            """)

    @OptionGroup var target: ProcessControlOptions

    func run() async throws {
        try await target.send(.stop)
    }
}
