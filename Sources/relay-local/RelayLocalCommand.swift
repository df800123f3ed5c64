import ArgumentParser

/// `relay-local`: runs Relay locally. The work is in the RelayLocal library; these commands parse
/// arguments and call it.
@main
struct RelayLocalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay-local",
        abstract: "Run Relay locally: temporary PostgreSQL clusters plus gateways, torn down on exit.",
        subcommands: [Up.self, Kill.self, Restart.self, Stop.self, Traffic.self, Reap.self],
        defaultSubcommand: Up.self)
}
