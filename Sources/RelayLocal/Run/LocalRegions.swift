import Foundation
import Logging
import RelayCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
import RelaySystem
#endif

/// `relay-local up --regions DIR`: every region of DIR on this machine (PostgreSQL cluster,
/// gateway, relay-dr), with traffic, until a stop; or, with `once`, until every pair caught up.
public struct LocalRegions: Sendable {
    /// What was asked for.
    public let options: LocalRegionsOptions
    /// Progress and failures go here.
    public let logger: Logger

    /// A run of `options`, logging to `logger`.
    public init(options: LocalRegionsOptions, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    /// Starts every region, then traffic; waits for `stop` (or, with `once`, checks convergence);
    /// tears everything down in every case: relay-drs, gateways, OPA, clusters (stopped and removed).
    /// While it waits, it carries out `relay-local kill|restart|stop` requests (see
    /// ``ProcessControlFolder``); a child that dies, killed by them or not, stops nothing else.
    ///
    /// Throws ``LocalRunError`` input errors (bad region files, ports taken) before anything starts;
    /// failures after that are logged and returned as ``LocalRunOutcome/failed``. `whenReady` runs
    /// once everything answers, before the traffic check or the wait.
    public func run(stop: StopSignal, whenReady: @Sendable (LocalRunReady) async -> Void = { _ in }) async throws -> LocalRunOutcome {
        let directory = URL(fileURLWithPath: options.regionsDirectory, isDirectory: true).standardizedFileURL
        let regionSet: RegionSet
        do { regionSet = try RegionSet.load(directory: directory.path) } catch { throw LocalRunError.regionFiles("\(error)") }
        let state = options.run.state
        try state.create()
        // Held until the end: it tells kill/restart/stop that this run serves the state folder.
        let control = ProcessControlFolder(state: state)
        let lease = try control.acquire()
        defer { lease.release() }

        let reaped = PostgresCluster.reapLeftovers(logger: logger)
        if reaped > 0 { logger.notice("stopped \(reaped) leftover cluster(s) from an earlier run") }
        let taken = LocalRegionsPlan.ports(of: regionSet).filter { !LoopbackPort.isFree($0.port) }
        guard taken.isEmpty else { throw LocalRunError.portsInUse(taken.map(\.description)) }

        var running: [RegionProcesses] = []
        var opa: OPAServer?
        var traffic: Task<TrafficGenerator.Stats, Never>?
        // From the moment everything answers, the supervisor owns the processes (restarts replace them).
        var supervisor: RegionSupervisor?
        do {
            let plan = LocalRegionsPlan(
                regions: regionSet, directory: directory, options: options, postgresSettings: try options.parsedPostgresSettings(),
                environment: ProcessInfo.processInfo.environment, jwtSecret: Hex.random(bytes: 32), parentPID: getpid())
            for region in plan.regions {
                try stop.check()
                let cluster = try await PostgresCluster.start(region.cluster, logger: logger)
                running.append(RegionProcesses(plan: region, cluster: cluster))
                try await cluster.createRole(region.databaseUser, password: nil, login: true, superuser: false)
                try await cluster.createDatabase(region.databaseName, owner: region.databaseUser)
            }
            if options.run.policyEngine == "opa" {
                opa = try await OPAServer.startWithPolicies(
                    script: options.run.opaServerScript, policyDirectory: options.run.policyDirectory, log: plan.opaLog.path, logger: logger)
            }
            try KeyFiles.write(Data((plan.adminToken + "\n").utf8), to: plan.adminTokenFile.path)
            for i in running.indices {
                try stop.check()
                try KeyFiles.copy(running[i].plan.sealKey)
                try KeyFiles.copy(running[i].plan.ledgerKey)
                let spec = running[i].plan.gateway.adding(opa.map { ["RELAY_OPA_URL": $0.url] } ?? [:])
                running[i].gatewaySpec = spec
                let gateway = try LocalProcess.launch(spec)
                running[i].gateway = gateway
                try await LocalProcess.waitForHealth(spec.healthURL, process: gateway, log: spec.log, stop: stop)
            }
            for i in running.indices {
                try stop.check()
                running[i].dr = try LocalProcess.launch(running[i].plan.dr)
            }
            for r in running {
                try await LocalProcess.waitForHealth(r.plan.dr.healthURL, process: r.dr!, log: r.plan.dr.log, stop: stop)
            }
            let regionSupervisor = RegionSupervisor(regions: running, plan: plan, envFile: options.run.envFile, stop: stop, logger: logger)
            supervisor = regionSupervisor
            try await regionSupervisor.writeEnvironmentFile()
            let routing = TrafficRouting(
                regions: plan.regions.map(\.region.id), gateways: plan.trafficGateways,
                relayDRs: plan.regions.map { $0.region.drURL.joined(path: "") })
            let generator = try TrafficGenerator(gateways: plan.trafficGateways, rate: max(options.trafficRate, 0.001), routing: routing)
            if options.trafficRate > 0 {
                traffic = Task { await generator.reporting(to: plan.trafficLog) }
            }
            StandardOutput.say(plan.banner())
            await whenReady(
                LocalRunReady(
                    gateways: plan.trafficGateways, processes: running.flatMap { [$0.gateway, $0.dr].compactMap { $0?.processIdentifier } },
                    clusterDirectories: running.map(\.cluster.directory)))
            if options.run.once {
                try await Task.sleep(for: .seconds(3))
                traffic?.cancel()
                let stats = await traffic?.value
                try await ConvergenceCheck(regions: regionSet).run(traffic: stats, stop: stop)
            } else {
                let server = Task {
                    await ProcessControlServer(folder: control, handle: { await regionSupervisor.handle($0) }, logger: logger).run()
                }
                await stop.wait()
                // Ends a restart in progress (its waits see the stop) before teardown reads what runs.
                server.cancel()
                await server.value
            }
        } catch {
            if !(error is StopSignal.Raised) { logger.error("start-up or check failed: \(error)") }
            stopping(stop)
            await teardown(await supervisor?.regions ?? running, opa: opa, traffic: traffic)
            return error is StopSignal.Raised ? .stopped : .failed
        }
        stopping(stop)
        await teardown(await supervisor?.regions ?? running, opa: opa, traffic: traffic)
        logger.info("stopped; nothing left running")
        return .stopped
    }

    /// Logs the stop, and why when it was the supervising process rather than a signal to us.
    private func stopping(_ stop: StopSignal) {
        LocalRunLog.stopping(stop, logger: logger)
    }

    /// Traffic first, then relay-drs, gateways, OPA, and the clusters last (the others use them).
    private func teardown(_ running: [RegionProcesses], opa: OPAServer?, traffic: Task<TrafficGenerator.Stats, Never>?) async {
        traffic?.cancel()
        _ = await traffic?.value
        for r in running { if let dr = r.dr { await LocalProcess.stop(dr) } }
        for r in running { if let gateway = r.gateway { await LocalProcess.stop(gateway) } }
        await opa?.stop()
        for r in running { try? await r.cluster.stop() }
    }
}
