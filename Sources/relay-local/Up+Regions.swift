import ArgumentParser
import Foundation
import Logging
import RelayCore
import RelayLocal
import RelayReplication

/// `relay-local up --regions DIR`: every region of DIR on this machine, with traffic.
extension Up {
    /// What one region runs: its cluster, gateway and relay-dr.
    struct RegionProcesses {
        let region: Region
        let cluster: PostgresCluster
        var gateway: Process?
        var dr: Process?
        var ledgerKey = ""
    }

    /// Starts a PostgreSQL cluster, a gateway (RELAY_CHAINER=off) and a relay-dr per region file,
    /// then generates traffic; stops everything on SIGINT/SIGTERM (or after the check with --once).
    func runRegions(_ dir: String) async throws {
        var logger = Logger(label: "relay-local")
        logger.logLevel = .info
        let signal = StopSignal()
        let directory = URL(fileURLWithPath: dir, isDirectory: true).standardizedFileURL
        let regions: RegionSet
        do { regions = try RegionSet.load(directory: directory.path) } catch { throw ValidationError("\(error)") }
        let state = URL(fileURLWithPath: stateDir, isDirectory: true).standardizedFileURL
        let logs = state.appendingPathComponent("logs")
        let keys = state.appendingPathComponent("keys")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])

        let reaped = PostgresCluster.reapLeftovers(logger: logger)
        if reaped > 0 { logger.notice("stopped \(reaped) leftover cluster(s) from an earlier run") }
        try checkPortsFree(regions)

        var running: [RegionProcesses] = []
        var opa: OPAServer?
        var traffic: Task<TrafficGenerator.Stats, Never>?
        func teardown() async {
            traffic?.cancel()
            _ = await traffic?.value
            for r in running { r.dr.map(LocalProcess.stop) }
            for r in running { r.gateway.map(LocalProcess.stop) }
            await opa?.stop()
            for r in running { try? await r.cluster.stop() }
        }
        do {
            let pgSettings = try parsedSettings()
            let env = ProcessInfo.processInfo.environment
            for region in regions.regions {
                try signal.check()
                let db = region.database
                let user = db.user.resolve(in: env) ?? "relay"
                let cluster = try await PostgresCluster.start(
                    PostgresClusterOptions(name: region.id, port: db.port, extraSettings: pgSettings), logger: logger)
                running.append(RegionProcesses(region: region, cluster: cluster))
                try await cluster.createRole(user, password: nil, login: true, superuser: false)
                try await cluster.createDatabase(db.name, owner: user)
            }
            let jwtSecret = Hex.random(bytes: 32)
            var engineEnv = ["RELAY_POLICY_ENGINE": policyEngine, "RELAY_POLICY_DIR": policyDir]
            if policyEngine == "opa" {
                opa = try await startOPA(log: logs.appendingPathComponent("opa.log").path, logger: logger)
                engineEnv["RELAY_OPA_URL"] = opa!.url
            }
            for i in running.indices {
                try signal.check()
                let region = running[i].region
                let seal = try copyDevKey(directory, region: region.id, purpose: "seal", to: keys)
                running[i].ledgerKey = "file:" + (try copyDevKey(directory, region: region.id, purpose: "ledger", to: keys))
                var gatewayEnv = databaseEnvironment(running[i]).merging(engineEnv) { _, new in new }
                gatewayEnv.merge([
                    "RELAY_PRIVATE_KEY_FILE": seal, "RELAY_API_HOST": region.gatewayURL.host ?? "127.0.0.1",
                    "RELAY_API_PORT": "\(region.gatewayURL.port ?? 80)", "RELAY_REGIONS_DIR": directory.path, "RELAY_CHAINER": "off",
                    "RELAY_JWT_SECRET": jwtSecret, "RELAY_AUTH_REQUIRED": "\(authRequired)",
                ]) { _, new in new }
                let log = logs.appendingPathComponent("gateway-\(region.id).log")
                running[i].gateway = try LocalProcess.launch(executable: LocalProcess.sibling("relay-gateway"), arguments: ["serve"], environment: gatewayEnv, log: log)
                try await LocalProcess.waitForHealth(region.gatewayURL.joined(path: "/health"), process: running[i].gateway!, log: log)
            }
            for i in running.indices {
                try signal.check()
                let region = running[i].region
                var drEnv = databaseEnvironment(running[i])
                drEnv["RELAY_REGIONS_DIR"] = directory.path
                drEnv["RELAY_LEDGER_KEY"] = running[i].ledgerKey
                let log = logs.appendingPathComponent("relay-dr-\(region.id).log")
                running[i].dr = try LocalProcess.launch(executable: LocalProcess.sibling("relay-dr"), arguments: ["run"], environment: drEnv, log: log)
            }
            for r in running {
                try await LocalProcess.waitForHealth(
                    r.region.drURL.joined(path: "/health"), process: r.dr!, log: logs.appendingPathComponent("relay-dr-\(r.region.id).log"))
            }
            if let envFile { try writeEnvFile(envFile, running: running, directory: directory, logs: logs) }
            let generator = try TrafficGenerator(gateways: running.map { $0.region.gatewayURL.joined(path: "") }, rate: max(trafficRate, 0.001))
            if trafficRate > 0 {
                traffic = Task { await generator.reporting(to: logs.appendingPathComponent("traffic.log")) }
            }
            printBanner(running, directory: directory, logs: logs)
            if once {
                try await Task.sleep(for: .seconds(3))
                traffic?.cancel()
                let stats = await traffic?.value
                try await checkConverged(regions, stats: stats)
            } else {
                await signal.wait()
            }
        } catch {
            if !(error is StopSignal.Raised) { logger.error("start-up or check failed: \(error)") }
            logger.info("stopping")
            await teardown()
            throw error is StopSignal.Raised ? ExitCode.success : ExitCode.failure
        }
        logger.info("stopping")
        await teardown()
        logger.info("stopped; nothing left running")
    }

    /// `--once`: waits (bounded) until every region is reachable, nothing is quarantined and every
    /// pair's lag is 0, then prints the status table.
    private func checkConverged(_ regions: RegionSet, stats: TrafficGenerator.Stats?) async throws {
        if let stats {
            Self.say("traffic: \(stats.sent) validated (\(stats.approved) approved, \(stats.denied) denied), \(stats.executed) executed, \(stats.errors) errors")
            if stats.errors > 0 || stats.sent == 0 { throw ValidationError("traffic failed: \(stats.lastError ?? "nothing sent")") }
        }
        let deadline = ContinuousClock.now + .seconds(60)
        var status = await StatusProbe(regions: regions).run()
        while ContinuousClock.now < deadline {
            let wrote = stats != nil
            let caughtUp = status.healthy && status.pairs.allSatisfy { $0.lagRecords == 0 && (!wrote || $0.replicaSeq != nil) }
                && status.regions.allSatisfy { ($0.unchained ?? 1) == 0 && (!wrote || ($0.headSeq ?? 0) > 0) }
            if caughtUp {
                Self.say(status.table)
                Self.say("check passed: every region reachable, every pair caught up")
                return
            }
            try await Task.sleep(for: .milliseconds(250))
            status = await StatusProbe(regions: regions).run()
        }
        Self.say(status.table)
        throw ValidationError("regions did not converge within 60 s")
    }

    private func checkPortsFree(_ regions: RegionSet) throws {
        var taken: [String] = []
        for r in regions.regions {
            for (what, port) in [("gateway", r.gatewayURL.port), ("relay-dr", r.drURL.port), ("postgres", r.database.port)] {
                if let port, !LoopbackPort.isFree(port) { taken.append("\(port) (\(r.id) \(what))") }
            }
        }
        guard taken.isEmpty else {
            throw ValidationError("ports in use: \(taken.joined(separator: ", ")); stop whatever holds them (an earlier relay-local?) first")
        }
    }

    private func parsedSettings() throws -> [String: String] {
        var out: [String: String] = [:]
        for s in pgSetting {
            guard let eq = s.firstIndex(of: "="), eq != s.startIndex else { throw ValidationError("--pg-setting wants name=value (got '\(s)')") }
            out[String(s[..<eq])] = String(s[s.index(after: eq)...])
        }
        return out
    }

    private func databaseEnvironment(_ r: RegionProcesses) -> [String: String] {
        let env = ProcessInfo.processInfo.environment
        return [
            "RELAY_REGION": r.region.id, "RELAY_DB_HOST": r.cluster.host, "RELAY_DB_PORT": "\(r.cluster.port)",
            "RELAY_DB_NAME": r.region.database.name, "RELAY_DB_USER": r.region.database.user.resolve(in: env) ?? "relay",
        ]
    }

    /// Copies `<dir>/dev-keys/<region>-<purpose>.key` to a 0600 file in `keys` (git keeps no modes).
    private func copyDevKey(_ dir: URL, region: String, purpose: String, to keys: URL) throws -> String {
        let name = "\(region)-\(purpose).key"
        let source = dir.appendingPathComponent("dev-keys").appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: source.path) else {
            throw ValidationError("missing \(source.path): each region needs its development \(purpose) key there")
        }
        let target = keys.appendingPathComponent(name).path
        try? FileManager.default.removeItem(atPath: target)
        guard FileManager.default.createFile(atPath: target, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("cannot write \(target)")
        }
        return target
    }

    private func writeEnvFile(_ path: String, running: [RegionProcesses], directory: URL, logs: URL) throws {
        var lines = [
            "RELAY_LOCAL_REGIONS=\"\(running.map(\.region.id).joined(separator: " "))\"",
            "RELAY_LOCAL_REGIONS_DIR=\(directory.path)", "RELAY_LOCAL_LOGS=\(logs.path)",
            "RELAY_LOCAL_PG_SUPERUSER=\(running.first?.cluster.superuser ?? "postgres")",
        ]
        for r in running {
            let p = "RELAY_LOCAL_" + r.region.id.uppercased().replacingOccurrences(of: "-", with: "_") + "_"
            lines += [
                "\(p)GATEWAY_URL=\(r.region.gatewayURL.joined(path: ""))", "\(p)DR_URL=\(r.region.drURL.joined(path: ""))",
                "\(p)PG_PORT=\(r.cluster.port)", "\(p)DB=\(r.region.database.name)", "\(p)DR_PID=\(r.dr?.processIdentifier ?? 0)",
                "\(p)GATEWAY_PID=\(r.gateway?.processIdentifier ?? 0)", "\(p)LEDGER_KEY=\(r.ledgerKey)",
            ]
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    private func printBanner(_ running: [RegionProcesses], directory: URL, logs: URL) {
        var rows: [String] = []
        for r in running {
            rows.append(
                "  \(r.region.id.padding(toLength: 16, withPad: " ", startingAt: 0)) gateway \(r.region.gatewayURL.joined(path: ""))   relay-dr \(r.region.drURL.joined(path: ""))   postgres 127.0.0.1:\(r.cluster.port)/\(r.region.database.name)")
        }
        let first = running.first.map { $0.region.gatewayURL.joined(path: "") } ?? ""
        Self.say(
            """

            Relay is running locally: \(running.count) regions replicating to each other (regions: \(directory.path)).
            \(rows.joined(separator: "\n"))
              traffic          \(trafficRate > 0 ? "\(trafficRate) validations/s across the gateways, every \(3)rd approved seal executed (log: \(logs.path)/traffic.log)" : "off (--traffic-rate 0)")
              logs             \(logs.path)/   (gateway-<region>.log, relay-dr-<region>.log)

            Replication status (heads, lag per origin → peer, quarantine):
              .build/debug/relay-dr status --regions-dir \(dir(directory))
              curl -s \(running.first.map { $0.region.drURL.joined(path: "/v1/status") } ?? "")

            Try it:
              curl -s -X POST \(first)/v1/manifest/validate -H 'content-type: application/json' \\
                -d '{"manifest":{"agent":{"agent_id":"agent_demo","org_id":"org_demo"},"action":{"provider":"stripe","method":"create_payment","parameters":{"amount":1500,"currency":"usd"}},"justification":{"reasoning":"demo checkout"}}}'

            Press Ctrl-C to stop and remove everything.
            """)
    }

    /// The folder as the user gave it when relative to the working directory (shorter to copy).
    private func dir(_ url: URL) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        return url.path.hasPrefix(cwd) ? String(url.path.dropFirst(cwd.count)) : url.path
    }

    /// Writes a line to standard output unbuffered, so it shows when piped (`make run | tee`).
    static func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
