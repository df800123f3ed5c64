import ArgumentParser
import Foundation
import Logging
import RelayCore
import RelayStore

/// `--region` plus the database from the RELAY_DB_* environment, shared by the subcommands.
struct RegionDatabaseOptions: ParsableArguments {
    @Option(help: "Region id (default: $RELAY_REGION).")
    var region: String?

    /// The region, from the flag or RELAY_REGION.
    func regionID() throws -> String {
        guard let id = region ?? ProcessInfo.processInfo.environment["RELAY_REGION"], !id.isEmpty else {
            throw ValidationError("give --region (or set RELAY_REGION)")
        }
        return id
    }

    /// A pool on the database named by RELAY_DB_*; a bad setting exits 2 with its name.
    func database(logger: Logger) throws -> Database {
        do {
            let config = try DatabaseConfiguration.fromEnvironment(EnvironmentReader(ProcessInfo.processInfo.environment))
            return Database(configuration: config, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("relay-dr: configuration error: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
