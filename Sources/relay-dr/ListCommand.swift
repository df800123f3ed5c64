import ArgumentParser
import Foundation
import RelayCore
import RelayReplication

/// `relay-dr list`: a patronictl-style table of the regions and who serves whom.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show every region's role, state, epoch, head, lag and the regions it serves.",
        discussion: """
            Asks every region's relay-dr for its routing (GET /v1/routing) and status, and merges \
            the views (the newest change of each region wins). Exit code 0 when every region \
            answered, 1 otherwise, 2 for a configuration error.
            """)

    @OptionGroup var coordinator: CoordinatorOptions

    func run() async throws {
        let (regions, client, http) = try coordinator.connect()
        let listing = await RegionListing.gather(regions: regions, client: client)
        try? await http.shutdown()
        print(coordinator.json ? CanonicalJSON.string(listing.json) : listing.table)
        throw ExitCode(listing.unreachable.isEmpty ? 0 : 1)
    }
}
