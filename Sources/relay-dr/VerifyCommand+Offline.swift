import ArgumentParser
import Foundation
import RelayCore
import RelayReplication
import RelaySystem

/// `relay-dr verify --offline FILE --regions DIR`: exit 0 consistent, 1 inconsistent, 2 could not check.
extension VerifyCommand {
    func runOffline(file: String) throws {
        guard let regions else { throw ValidationError("--offline needs --regions DIR (the trusted region files)") }
        func couldNotCheck(_ why: String) -> ExitCode {
            FileHandle.standardError.write(Data("relay-dr verify: could not check \(file): \(why)\n".utf8))
            return ExitCode(2)
        }
        let trusted: RegionSet
        do { trusted = try RegionSet.load(directory: regions) } catch { throw couldNotCheck("\(error)") }
        let report: OfflineAuditReport
        do { report = try OfflineAuditFile.verify(path: file, trusted: trusted) } catch { throw couldNotCheck("\(error)") }
        try show(report, table: report.table, consistent: report.consistent)
    }
}
