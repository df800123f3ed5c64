import ArgumentParser
import Foundation
import RelayCore
import RelayReplication
import RelayStore
import RelaySystem

/// `relay-dr verify` across regions (no `--local`).
extension VerifyCommand {
    func verifyAcrossRegions() async throws {
        let environment = ProcessInfo.processInfo.environment
        let runBy = environment["RELAY_REGION"].flatMap { $0.isEmpty ? nil : $0 } ?? "operator"
        let started = RelayClock.system.now()
        let say: @Sendable (String) -> Void = { FileHandle.standardError.write(Data("verify: \($0)\n".utf8)) }
        let result = try await across.withSource(only: options.region.map { [$0] } ?? [], longRequests: full) { regions, source, recordTo in
            let verifier = CrossRegionVerifier(
                regions: regions.ids, source: source, origins: across.origins.isEmpty ? nil : Set(across.origins),
                holders: options.region.map { [$0] }, full: full)
            let result = CrossRegionVerification(
                startedAt: started, runBy: runBy, mode: full ? "full" : "heads", via: across.viaDb ? "db" : "api",
                verdicts: await verifier.run(progress: say))
            if let recordTo {
                do {
                    try await Database(configuration: recordTo, logger: makeLogger("relay-dr")).withRunning { db in
                        try await VerificationRunStore(database: db).record(result.record)
                    }
                } catch {
                    say("warning: the run could not be recorded in \(recordTo): \(error)")
                }
            } else {
                say("note: the run is not recorded (set RELAY_DB_* to the database of the region running it, or RELAY_REGION with --via-db)")
            }
            return result
        }
        print(json ? CanonicalJSON.string(result.json) : result.table)
        throw ExitCode(result.exitCode)
    }
}
