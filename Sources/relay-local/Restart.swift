import ArgumentParser
import RelayLocal

/// `relay-local restart --region X`: brings back what `kill` or `stop` (or a crash) took down.
struct Restart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start again whatever of one region's processes is not running, in the running `relay-local up --regions`.",
        discussion: """
            In start-up order, each waited for: PostgreSQL (same data directory and port, crash \
            recovery if it was killed) until it accepts connections, then the gateway, then \
            relay-dr, each until its /health answers. They get exactly the command line, \
            environment and ports of their first start, and their logs are appended to. What \
            runs already is left alone. The env file gets the new pids. Restarting the gateway \
            or relay-dr alone while PostgreSQL is down is refused.

            Example: relay-local restart --region us-east-1
            """)

    @OptionGroup var target: ProcessControlOptions

    func run() async throws {
        try await target.send(.restart)
    }
}
