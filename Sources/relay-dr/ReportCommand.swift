import ArgumentParser
import Foundation
import RelayCore
import RelayReplication
import RelaySystem

/// `relay-dr report`: the compliance report over a period, from every region's relay-dr.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the compliance report (lag, breaches, gaps, verification runs, events, keys, verdicts) of a period.",
        discussion: """
            Asks every region's relay-dr for its section (GET /v1/report) concurrently and merges \
            them; a region that does not answer is named as missing and its figures are unknown. \
            See docs/compliance-report.md. `relay-dr report verify FILE SIG` checks a signed report.
            """,
        subcommands: [ReportWriteCommand.self, ReportVerifyCommand.self],
        defaultSubcommand: ReportWriteCommand.self)
}

/// Writes a report (the default subcommand of `report`).
struct ReportWriteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Write the compliance report of a period (the default of `relay-dr report`).",
        discussion: """
            Exit 0: written, every verdict met; 1: written, a verdict is not met or unknown (a \
            region missing, say); 2: nothing written (bad arguments, region files, key, output).
            """)

    @OptionGroup var coordinator: CoordinatorOptions

    @Option(help: "Start of the period: YYYY-MM-DD (UTC midnight) or an ISO 8601 instant. Default: 30 days before --to.")
    var from: String?

    @Option(help: "End of the period (excluded), as --from. Default: now.")
    var to: String?

    @Option(help: "md, json, csv or html (--json is --format json).")
    var format = "md"

    @Option(help: "Write the report to this file instead of stdout.")
    var out: String?

    @Option(help: "RPO objective in percent: a pair meets its RPO when at least this share of the period is within target.")
    var objective = ComplianceRules.defaultObjective * 100

    @Flag(help: "Sign the written file (needs --out): a detached Ed25519 signature in FILE.sig.")
    var sign = false

    @Option(help: "Signing key source (env:VAR, file:/path, secret:NAME). Default: $RELAY_DR_REPORT_KEY, else $RELAY_LEDGER_KEY.")
    var signKey: String?

    func run() async throws {
        guard let format = coordinator.json ? .json : ReportFormat(rawValue: format) else {
            throw CoordinatorOptions.configurationError("--format must be md, json, csv or html (got '\(format)')")
        }
        guard objective.isFinite, objective > 0, objective <= 100 else {
            throw CoordinatorOptions.configurationError("--objective must be a percentage in (0, 100] (got \(objective))")
        }
        let now = RelayClock.system.now()
        let period: ReportPeriod
        do { period = try ReportPeriod.parse(from: from, to: to, now: now) } catch {
            throw CoordinatorOptions.configurationError(error.description)
        }
        let key = try sign ? signingKey() : nil
        if sign, out == nil { throw CoordinatorOptions.configurationError("--sign needs --out FILE (the signature goes to FILE.sig)") }
        let (regions, _, http) = try coordinator.connect(readTimeout: 300)
        let host = ProcessInfo.processInfo.hostName
        let report = await ComplianceGathering(regions: regions, client: http, timeout: .seconds(300)).report(
            period: period, objective: objective / 100, generatedBy: "relay-dr report (operator \(coordinator.operator) on \(host))", now: now)
        try? await http.shutdown()
        let bytes: [UInt8]
        do { bytes = try format.renderer.render(report) } catch {
            throw CoordinatorOptions.configurationError("could not render the report: \(error)")
        }
        if let out {
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: out))
                if let key { try Data(try ReportSignature(signing: bytes, with: key).fileBytes()).write(to: URL(fileURLWithPath: out + ".sig")) }
            } catch {
                throw CoordinatorOptions.configurationError("could not write \(out): \(error.localizedDescription)")
            }
            let missing = report.missingRegions.map(\.region)
            FileHandle.standardError.write(
                Data(
                    ("relay-dr: wrote \(out)\(key.map { " and \(out).sig (key \($0.keyID))" } ?? ""); verdict \(report.verdict.rawValue)"
                        + (missing.isEmpty ? "" : "; missing regions: \(missing.joined(separator: ", "))") + "\n").utf8))
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
        if report.verdict != .met { throw ExitCode(1) }
    }

    /// The signing key: --sign-key, else $RELAY_DR_REPORT_KEY, else the ledger key source of
    /// `relay-dr run` ($RELAY_LEDGER_KEY). Errors name the source, never the key.
    func signingKey() throws -> SigningKey {
        let environment = ProcessInfo.processInfo.environment
        let text = signKey ?? environment["RELAY_DR_REPORT_KEY"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["RELAY_LEDGER_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        guard let text else {
            throw CoordinatorOptions.configurationError("--sign needs a key: --sign-key SOURCE, RELAY_DR_REPORT_KEY or RELAY_LEDGER_KEY (env:VAR, file:/path, secret:NAME)")
        }
        do { return try KeySource(parsing: text).load(environment: environment) } catch {
            throw CoordinatorOptions.configurationError("signing key: \(error)")
        }
    }
}

/// `relay-dr report verify FILE SIG`.
struct ReportVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a report file against its detached signature.",
        discussion: """
            The signing key must be one the region files list (--regions, default $RELAY_REGIONS_DIR, \
            else regions) or the one given with --public-key. Exit 0 valid, 1 invalid (with the \
            reason), 2 unusable input (a file missing, a signature file that does not parse).
            """)

    @Argument(help: "The report file.")
    var file: String

    @Argument(help: "Its signature file (FILE.sig).")
    var signature: String

    @Option(help: "Folder of region files whose keys are trusted. Default: $RELAY_REGIONS_DIR, else regions.")
    var regions: String?

    @Option(help: "Trust only this Ed25519 public key (64 hex).")
    var publicKey: String?

    func run() async throws {
        func unusable(_ text: String) -> ExitCode {
            FileHandle.standardError.write(Data("relay-dr: \(text)\n".utf8))
            return ExitCode(2)
        }
        guard let fileBytes = FileManager.default.contents(atPath: file) else { throw unusable("cannot read \(file)") }
        guard let sigBytes = FileManager.default.contents(atPath: signature) else { throw unusable("cannot read \(signature)") }
        let sig: ReportSignature
        do { sig = try ReportSignature.parse(Array(sigBytes)) } catch { throw unusable("\(signature) is not a report signature: \(error)") }
        var trusted: [[UInt8]]
        var names: [String: String] = [:]
        if let publicKey {
            guard let key = Hex.decode(publicKey.lowercased()), key.count == 32 else { throw unusable("--public-key must be 64 hex characters") }
            trusted = [key]
        } else {
            let dir = regions ?? ProcessInfo.processInfo.environment["RELAY_REGIONS_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "regions"
            let set: RegionSet
            do { set = try RegionSet.load(directory: dir) } catch { throw unusable("\(error)") }
            trusted = []
            for purpose in KeyPurpose.allCases {
                for (region, key) in set.allKeys(purpose: purpose) {
                    trusted.append(key.publicKey)
                    names[key.keyID] = "\(region) \(purpose.rawValue) key"
                }
            }
        }
        if let problem = sig.problem(file: Array(fileBytes), trusted: trusted) {
            print("INVALID: \(problem)")
            throw ExitCode(1)
        }
        print("valid: \(file) signed by key \(sig.keyID)\(names[sig.keyID].map { " (\($0))" } ?? "")")
    }
}
