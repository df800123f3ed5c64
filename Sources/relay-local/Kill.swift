import ArgumentParser
import RelayLocal

/// `relay-local kill --region X`: a crash drill on one region of the running up.
struct Kill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Kill one region's processes in the running `relay-local up --regions` (a crash drill); the other regions keep running.",
        discussion: """
            The running up (found through --state-dir) sends the signal and waits until the process \
            is gone; it keeps running, and stops what is left at the end as usual. With KILL, \
            postgres is a crash: kill -9 of the postmaster and its server processes (data kept, \
            crash recovery on restart); with TERM it is a clean `pg_ctl stop -m fast`. Components \
            already down are reported, not an error. The env file shows 0 for the pids of what \
            is down. Bring them back with `relay-local restart`.

            Example: relay-local kill --region us-east-1 --component postgres --component gateway
            """)

    @OptionGroup var target: ProcessControlOptions

    @Option(help: "KILL (a crash, default) or TERM.")
    var signal = "KILL"

    func validate() throws {
        do { _ = try RegionSignal(parsing: signal) } catch { throw ValidationError(error.description) }
    }

    func run() async throws {
        try await target.send(.kill, signal: try RegionSignal(parsing: signal))
    }
}
