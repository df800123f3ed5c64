import ArgumentParser

@main
struct RelayDRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay-dr",
        abstract: "Relay multi-region replication and disaster-recovery daemon (one per region).",
        discussion: """
            Not yet implemented in this build: replication (run), verify, status, switchover,
            failover, failback, drill, report and keys arrive in later milestones. See README.
            """,
        subcommands: [KeysCommand.self])
}
