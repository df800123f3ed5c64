import Foundation
import Logging
import RelayCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `relay-local up`: one region (PostgreSQL cluster and a gateway with its embedded chainer)
/// until a stop; with `once`, until it answers.
public struct SingleRegion: Sendable {
    /// What was asked for.
    public let options: SingleRegionOptions
    /// Progress and failures go here.
    public let logger: Logger

    /// A run of `options`, logging to `logger`.
    public init(options: SingleRegionOptions, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    /// Starts the cluster and the gateway, prints how to use them and waits for `stop` (not with
    /// `once`); then stops the gateway, OPA and the cluster (removing it).
    ///
    /// Failures after the cluster started are logged and returned as ``LocalRunOutcome/failed``;
    /// earlier ones are thrown. `whenReady` runs once the gateway answers.
    public func run(stop: StopSignal, whenReady: @Sendable (LocalRunReady) async -> Void = { _ in }) async throws -> LocalRunOutcome {
        let plan = SingleRegionPlan(options: options, parentPID: getpid())
        try plan.state.create()

        let reaped = PostgresCluster.reapLeftovers(logger: logger)
        if reaped > 0 { logger.notice("stopped \(reaped) leftover cluster(s) from an earlier run") }

        if stop.isRaised { return .stopped }
        let cluster = try await PostgresCluster.start(plan.cluster, logger: logger)
        var gateway: Process?
        var opa: OPAServer?
        do {
            try stop.check()
            try await cluster.createRole(plan.database, password: nil, login: true, superuser: false)
            try await cluster.createDatabase(plan.database, owner: plan.database)
            _ = try KeyFiles.secret(in: plan.state.keys, name: plan.sealKeyName) { Base64.encode(SigningKey.generate().seed) }
            let jwtSecret = try String(
                contentsOfFile: try KeyFiles.secret(in: plan.state.keys, name: plan.jwtSecretName) { Hex.random(bytes: 32) }, encoding: .utf8
            ).trimmingCharacters(in: .whitespacesAndNewlines)
            if options.run.policyEngine == "opa" {
                opa = try await OPAServer.startWithPolicies(
                    script: options.run.opaServerScript, policyDirectory: options.run.policyDirectory, log: plan.opaLog.path, logger: logger)
            }
            try stop.check()
            let spec = plan.gateway(databasePort: cluster.port, jwtSecret: jwtSecret, opaURL: opa?.url)
            let launched = try LocalProcess.launch(spec)
            gateway = launched
            try await LocalProcess.waitForHealth(spec.healthURL, process: launched, log: spec.log, stop: stop)
            if let envFile = options.run.envFile {
                try plan.environmentFile(databasePort: cluster.port, opaURL: opa?.url).write(toFile: envFile, atomically: true, encoding: .utf8)
            }
            StandardOutput.say(plan.banner(databasePort: cluster.port, clusterDirectory: cluster.directory, opaURL: opa?.url))
            await whenReady(
                LocalRunReady(gateways: [plan.gatewayURL], processes: [launched.processIdentifier], clusterDirectories: [cluster.directory]))
            if !options.run.once { await stop.wait() }
        } catch {
            let stopped = error is StopSignal.Raised
            if !stopped { logger.error("start-up failed: \(error)") } else { LocalRunLog.stopping(stop, logger: logger) }
            if let gateway { await LocalProcess.stop(gateway) }
            await opa?.stop()
            try? await cluster.stop()
            return stopped ? .stopped : .failed
        }
        LocalRunLog.stopping(stop, logger: logger)
        if let gateway { await LocalProcess.stop(gateway) }
        await opa?.stop()
        try await cluster.stop()
        logger.info("stopped; nothing left running")
        return .stopped
    }
}
