import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import RelayCore
import RelayReplication
import RelayStore
import RelaySystem

/// How `relay-dr verify` (across regions) and `relay-dr evidence export` reach the regions: their
/// relay-drs' read-only copies API, or with `--via-db` their databases.
struct CrossVerifyOptions: ParsableArguments {
    @Option(help: "Folder of region files (across regions). Default: $RELAY_REGIONS_DIR, else regions.")
    var regionsDir = ProcessInfo.processInfo.environment["RELAY_REGIONS_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "regions"

    @Flag(help: "Read every region's copies from its database (the region files' database settings) instead of its relay-dr.")
    var viaDb = false

    @Option(name: .customLong("origin"), help: "Check only this origin's chain (repeatable). Default: every region's.")
    var origins: [String] = []

    @Option(help: "Seconds to wait for each answer of a region (a full check is allowed an hour).")
    var timeout: Double = 15

    func validate() throws {
        guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be in (0, 600]") }
    }

    /// Exit 2 (could not check) with `text` on stderr.
    static func cannotCheck(_ text: String) -> ExitCode {
        FileHandle.standardError.write(Data("relay-dr: could not check: \(text)\n".utf8))
        return ExitCode(2)
    }

    /// Runs `body` with the regions and a source of their copies (pools or HTTP client open for
    /// the call), and the database where the run is recorded: RELAY_DB_* when set (as for
    /// `verify --local`), else with `--via-db` the database of $RELAY_REGION. `only` are region
    /// ids named by other flags, checked to exist.
    func withSource<T: Sendable>(
        only: [String], longRequests: Bool,
        _ body: (RegionSet, any CopySource, DatabaseConfiguration?) async throws -> T
    ) async throws -> T {
        let environment = ProcessInfo.processInfo.environment
        let logger = makeLogger("relay-dr")
        let regions: RegionSet
        do { regions = try RegionSet.load(directory: regionsDir) } catch { throw Self.cannotCheck("\(error)") }
        for id in origins + only where regions.region(id) == nil {
            throw Self.cannotCheck("unknown region \(id) (regions in \(regionsDir): \(regions.ids.joined(separator: ", ")))")
        }
        var recordTo: DatabaseConfiguration?
        if environment["RELAY_DB_NAME"] != nil || environment["RELAY_DB_HOST"] != nil {
            do { recordTo = try DatabaseConfiguration.fromEnvironment(EnvironmentReader(environment)) } catch { throw Self.cannotCheck("\(error)") }
        }
        guard viaDb else {
            var config = HTTPClient.Configuration()
            let seconds = max(1, Int64(timeout.rounded(.up)))
            config.timeout = .init(connect: .seconds(min(seconds, 5)), read: .seconds(longRequests ? 3600 : seconds))
            do { config.tlsConfiguration = try DRTLS.clientFromEnvironment(environment).tls } catch { throw Self.cannotCheck("\(error)") }
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
            let client = RegionClient(regions: regions, client: http, adminToken: nil, timeout: .milliseconds(Int64(timeout * 1000)))
            do {
                let value = try await body(regions, RegionCopySource(client: client), recordTo)
                try? await http.shutdown()
                return value
            } catch {
                try? await http.shutdown()
                throw error
            }
        }
        var databases: [String: Database] = [:]
        for r in regions.regions {
            do {
                databases[r.id] = Database(configuration: try r.database.configuration(region: r.id, environment: environment), logger: logger)
            } catch { throw Self.cannotCheck("\(error)") }
        }
        if recordTo == nil, let home = environment["RELAY_REGION"].flatMap({ databases[$0] }) { recordTo = home.configuration }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for db in databases.values { group.addTask { await db.run() } }
            defer { group.cancelAll() }
            return try await body(regions, DatabaseCopySource(databases: databases, regions: regions), recordTo)
        }
    }
}
