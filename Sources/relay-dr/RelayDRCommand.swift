import ArgumentParser

@main
struct RelayDRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay-dr",
        abstract: "Relay multi-region replication and disaster-recovery daemon (one per region).",
        discussion: """
            The database is given by RELAY_DB_HOST, RELAY_DB_PORT, RELAY_DB_NAME, RELAY_DB_USER and \
            RELAY_DB_PASSWORD, as for relay-gateway. `list`, `switchover`, `pause` and `resume` \
            coordinate regions through their relay-drs (RELAY_DR_ADMIN_TOKEN); see docs/failover.md.
            """,
        subcommands: [
            RunCommand.self, StatusCommand.self, ListCommand.self, SwitchoverCommand.self, FailoverCommand.self, FailbackCommand.self, DrillCommand.self,
            PauseCommand.self, ResumeCommand.self, HistoryCommand.self, ReportCommand.self,
            VerifyCommand.self, EvidenceCommand.self, ExportCommand.self, KeysCommand.self,
        ])
}
