import ArgumentParser
import Foundation
import RelayCore
import RelayReplication

/// `relay-dr pause` and `relay-dr resume`: maintenance mode of one region, recorded in its ledger.
struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Put a region in maintenance: no automatic action, switchovers from it refused unless --force.",
        discussion: """
            Writes a `pause` region_control entry into the region's ledger through its relay-dr \
            (RELAY_DR_ADMIN_TOKEN); it replicates to every region. `relay-dr resume` ends it. \
            Exit codes: 0 done, 1 refused (already paused, or the relay-dr refused), 2 usage or \
            configuration error.
            """)

    @OptionGroup var change: RegionFlagChange

    func run() async throws {
        try await change.run(.pause, defaultReason: "maintenance")
    }
}

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "End a region's maintenance (see `relay-dr pause`).")

    @OptionGroup var change: RegionFlagChange

    func run() async throws {
        try await change.run(.resume, defaultReason: "maintenance over")
    }
}

/// One control entry about a region, written through its own relay-dr (pause, resume).
struct RegionFlagChange: ParsableArguments {
    @OptionGroup var coordinator: CoordinatorOptions
    @Option(help: "The region.") var region: String
    @Option(help: "Why (recorded in the ledger).") var reason: String?
    @Flag(help: "Do not ask for confirmation.") var yes = false

    func run(_ action: RegionControl.Action, defaultReason: String) async throws {
        let reason = self.reason ?? defaultReason
        let (regions, client, http) = try coordinator.connect()
        let answer: RegionClient.Answer
        do {
            try coordinator.require([region], in: regions)
            guard client.adminToken != nil else { throw CoordinatorOptions.configurationError("set RELAY_DR_ADMIN_TOKEN (the relay-drs' admin token)") }
            try CoordinatorOptions.confirm("\(action.rawValue.capitalized) region \(region)?", yes: yes)
            answer = try await client.control(
                region,
                ControlRequest(action: action, region: region, eventID: UUID().uuidString.lowercased(), operatorName: coordinator.operator, reason: reason))
        } catch let exit as ExitCode {
            try? await http.shutdown()
            throw exit
        } catch {
            try? await http.shutdown()
            FileHandle.standardError.write(Data("relay-dr: \(region)'s relay-dr cannot be reached: \(StatusProbe.describe(error))\n".utf8))
            throw ExitCode(1)
        }
        try? await http.shutdown()
        if coordinator.json { print(CanonicalJSON.string(answer.body)) }
        guard answer.ok else {
            FileHandle.standardError.write(Data("relay-dr: \(action.rawValue) refused: \(answer.detail)\n".utf8))
            throw ExitCode(1)
        }
        if !coordinator.json { print("\(region): \(action == .pause ? "paused" : "resumed") (\(reason))") }
    }
}
