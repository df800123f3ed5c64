import ArgumentParser
import AsyncHTTPClient
import Foundation
import RelayCore
import RelayReplication
import RelaySystem

/// What every coordinating command (switchover, pause, resume, list) needs: the region files,
/// TLS towards the relay-drs, the admin token (RELAY_DR_ADMIN_TOKEN: never a flag, flags show in
/// `ps`) and who is acting.
struct CoordinatorOptions: ParsableArguments {
    @Option(help: "Folder of region files. Default: $RELAY_REGIONS_DIR, else regions.")
    var regionsDir = ProcessInfo.processInfo.environment["RELAY_REGIONS_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "regions"

    @Option(help: "Who is acting, recorded in the ledger. Default: $USER.")
    var `operator` = ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"

    @Flag(help: "Print the result as JSON (progress goes to stderr).")
    var json = false

    /// The regions and a client for them; a bad region file or TLS setting exits 2 naming it.
    /// `readTimeout`: how long an answer may take (a report's section takes seconds to compute).
    func connect(readTimeout: Int64 = 15) throws -> (RegionSet, RegionClient, HTTPClient) {
        let regions: RegionSet
        do { regions = try RegionSet.load(directory: regionsDir) } catch { throw Self.configurationError("\(error)") }
        let environment = ProcessInfo.processInfo.environment
        var config = HTTPClient.Configuration()
        config.timeout = .init(connect: .seconds(3), read: .seconds(readTimeout))
        do { config.tlsConfiguration = try DRTLS.clientFromEnvironment(environment).tls } catch {
            throw Self.configurationError("\(error)")
        }
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        let token = environment["RELAY_DR_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return (regions, RegionClient(regions: regions, client: http, adminToken: token, timeout: .seconds(15)), http)
    }

    /// Runs one coordinated event (switchover, failover, failback, drill): checks the regions
    /// named, the admin token and the operator's confirmation (none of them for a dry run), runs
    /// `event`, prints its report as JSON when asked, and exits with the report's exit code.
    func drive(
        _ ids: [String], dryRun: Bool, yes: Bool, question: String,
        _ event: (RegionSet, RegionClient) async -> FailoverReport
    ) async throws -> Never {
        let (regions, client, http) = try connect()
        do {
            try require(ids, in: regions)
            if !dryRun {
                guard client.adminToken != nil else { throw Self.configurationError("set RELAY_DR_ADMIN_TOKEN (the relay-drs' admin token)") }
                try Self.confirm(question, yes: yes)
            }
        } catch {
            try? await http.shutdown()
            throw error
        }
        let report = await event(regions, client)
        try? await http.shutdown()
        if json { print(CanonicalJSON.string(report.json)) }
        throw ExitCode(report.exitCode)
    }

    /// Checks that `ids` are regions of the files.
    func require(_ ids: [String], in regions: RegionSet) throws {
        for id in ids where regions.region(id) == nil {
            throw Self.configurationError("unknown region \(id) (regions in \(regionsDir): \(regions.ids.joined(separator: ", ")))")
        }
    }

    /// Progress for humans: stdout, or stderr when stdout carries JSON.
    func say(_ line: String) {
        if json { FileHandle.standardError.write(Data((line + "\n").utf8)) } else { print(line) }
    }

    static func configurationError(_ text: String) -> ExitCode {
        FileHandle.standardError.write(Data("relay-dr: \(text)\n".utf8))
        return ExitCode(2)
    }

    /// Asks on the terminal unless `yes`; without a terminal, refuses (scripts pass --yes).
    static func confirm(_ question: String, yes: Bool) throws {
        if yes { return }
        guard isatty(STDIN_FILENO) == 1 else { throw configurationError("\(question) — not confirmed: pass --yes to run without a terminal") }
        FileHandle.standardError.write(Data("\(question) [y/N] ".utf8))
        guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
            FileHandle.standardError.write(Data("relay-dr: cancelled, nothing changed\n".utf8))
            throw ExitCode(1)
        }
    }
}
