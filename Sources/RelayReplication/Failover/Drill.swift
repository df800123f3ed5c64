import Foundation
import RelayCore
import RelaySystem

/// The routed synthetic traffic a drill measures RTO with (the local traffic generator).
public protocol DrillLoad: Sendable {
    /// The first validation of `region`'s traffic that succeeded at `server` after `instant`.
    func firstSuccess(of region: String, at server: String, after instant: ContinuousClock.Instant) -> ContinuousClock.Instant?
}

/// `relay-dr drill --from A --to B [--kill]`: a switchover of A to B and a failback — or, with
/// `kill`, A's gateway and PostgreSQL killed (kill -9, by the kill command), a forced failover to
/// B, A restarted (restart command) and a failback — measuring each move's RTO as the routed load
/// sees it (start, or the kill, → the first validation of A's traffic that succeeds where it was
/// moved) and the realised RPO. The drill's report is recorded in the history like each step's.
public struct Drill: Sendable {
    /// What the operator asked for.
    public struct Options: Sendable {
        public var from: String
        public var to: String
        public var kill = false
        /// Print the plan and the pre-checks of the first move; change nothing.
        public var dryRun = false
        /// Shell commands with `{region}` for the region's id (kill -9 its gateway and
        /// PostgreSQL; start them again).
        public var killCommand: String?
        public var restartCommand: String?
        /// How long the load runs before the first move, and between the moves.
        public var settle: Duration = .seconds(2)
        /// Bound of each wait (a region restarting, RTO observed by the load, catching up).
        public var timeout: Duration = .seconds(60)
        public var operatorName: String
        public var reason: String

        /// A drill moving `from`'s traffic to `to` and back.
        public init(from: String, to: String, operatorName: String, reason: String) {
            self.from = from
            self.to = to
            self.operatorName = operatorName
            self.reason = reason
        }
    }

    let regions: RegionSet
    let client: RegionClient
    let options: Options
    let load: (any DrillLoad)?
    let say: @Sendable (String) -> Void

    /// A drill over `client`, measured with `load` when given (else with the commands' own RTO).
    public init(regions: RegionSet, client: RegionClient, options: Options, load: (any DrillLoad)?, say: @escaping @Sendable (String) -> Void) {
        self.regions = regions
        self.client = client
        self.options = options
        self.load = load
        self.say = say
    }

    /// Runs the drill and reports it: each move as a phase with its RTO and RPO.
    public func run() async -> FailoverReport {
        let a = options.from
        let b = options.to
        var report = FailoverReport(kind: "drill", from: a, to: b, eventID: "drill:\(b):" + UUID().uuidString.lowercased(), dryRun: options.dryRun)
        report.step("drill \(options.kill ? "(crash: kill -9, forced failover, restart, failback)" : "(switchover, failback)") of \(a) to \(b)", say)
        if options.dryRun { return await plan(report) }
        let outcome = await (options.kill ? crash(&report) : planned(&report))
        report.finish(outcome)
        report.step("finished: \(report.outcomeText)", say)
        await client.record(report, at: a, operatorName: options.operatorName, reason: options.reason, say: say)
        return report
    }

    /// The dry run: what a switchover of A to B would check now (A must be healthy before a drill,
    /// crash or not), and for a crash drill its kill and restart commands. Records nothing.
    private func plan(_ report: FailoverReport) async -> FailoverReport {
        var report = report
        var switchover = Switchover.Options(from: options.from, to: options.to, operatorName: options.operatorName, reason: options.reason)
        switchover.dryRun = true
        report.prechecks = await Switchover(regions: regions, client: client, options: switchover, say: { _ in }).run().prechecks
        if options.kill {
            let commands = [("kill command", options.killCommand), ("restart command", options.restartCommand)]
            for (name, command) in commands {
                report.prechecks.append(.init(name: name, ok: command != nil, detail: command.map { "`\($0)` ({region} = \(options.from))" } ?? "not configured"))
            }
        }
        for c in report.prechecks { report.step("pre-check \(c.ok ? "ok  " : "FAIL") \(c.name): \(c.detail)", say) }
        report.finish(.planned(failures: report.prechecks.filter { !$0.ok }.map { "\($0.name): \($0.detail)" }))
        report.step("finished: \(report.outcomeText)", say)
        return report
    }

    /// Switchover, then failback.
    private func planned(_ report: inout FailoverReport) async -> CoordinatorOutcome {
        let a = options.from
        let b = options.to
        await settle(&report)
        let start = ContinuousClock.now
        var switchover = Switchover.Options(from: a, to: b, operatorName: options.operatorName, reason: options.reason)
        switchover.drainTimeout = .seconds(30)
        let moved = await Switchover(regions: regions, client: client, options: switchover, say: prefixed("switchover")).run()
        guard moved.outcome == .completed else { return .stuck(reason: "the switchover did not complete: \(moved.outcomeText)") }
        let rto = await observedRTO(of: a, at: b, since: start, command: moved, report: &report)
        report.add(phase: moved, rtoMilliseconds: rto)
        report.epoch = moved.epoch
        report.rtoMilliseconds = rto
        report.rpoRecords = 0
        return await failBack(&report)
    }

    /// kill -9 of A, forced failover, restart of A, failback.
    private func crash(_ report: inout FailoverReport) async -> CoordinatorOutcome {
        let a = options.from
        let b = options.to
        guard let kill = options.killCommand, let restart = options.restartCommand else {
            return .refused(failures: ["a crash drill needs a kill and a restart command (--kill-command, --restart-command, or RELAY_DRILL_KILL_COMMAND and RELAY_DRILL_RESTART_COMMAND, which relay-local's env file sets)"])
        }
        await settle(&report)
        let killed = ContinuousClock.now
        if let failure = await shell(kill, "kill", &report) { return .refused(failures: [failure]) }
        var failover = Failover.Options(from: a, to: b, operatorName: options.operatorName, reason: options.reason)
        failover.allowDataLoss = true
        let moved = await Failover(regions: regions, client: client, options: failover, say: prefixed("failover")).run()
        guard moved.outcome == .completed else {
            _ = await shell(restart, "restart", &report)
            return .stuck(reason: "the forced failover did not complete (\(a) was restarted): \(moved.outcomeText)")
        }
        let rto = await observedRTO(of: a, at: b, since: killed, command: moved, report: &report)
        report.add(phase: moved, rtoMilliseconds: rto)
        report.epoch = moved.epoch
        report.rtoMilliseconds = rto
        report.acceptedLoss = moved.acceptedLoss
        report.takeoverSeq = moved.takeoverSeq
        await settle(&report)
        if let failure = await shell(restart, "restart", &report) { return .stuck(reason: "\(a) is taken over by \(b) and could not be restarted: \(failure)") }
        report.step("waiting until \(a) is back and knows it is taken over", say)
        let deadline = ContinuousClock.now + options.timeout
        while ContinuousClock.now < deadline {
            if case .takenOver = await client.state(of: a, asSeenBy: a)?.role, await client.status(a).unchained == 0 { break }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return await failBack(&report)
    }

    /// The failback of A that ends every drill; its stranded records are the realised RPO.
    private func failBack(_ report: inout FailoverReport) async -> CoordinatorOutcome {
        let a = options.from
        await settle(&report)
        let start = ContinuousClock.now
        var options = Failback.Options(to: a, operatorName: self.options.operatorName, reason: self.options.reason)
        options.catchUpTimeout = self.options.timeout
        let back = await Failback(regions: regions, client: client, options: options, say: prefixed("failback")).run()
        guard back.outcome == .completed else { return .stuck(reason: "the failback did not complete: \(back.outcomeText)") }
        let rto = await observedRTO(of: a, at: a, since: start, command: back, report: &report)
        report.add(phase: back, rtoMilliseconds: rto)
        if self.options.kill { report.rpoRecords = back.rpoRecords }
        report.strandedEntries = back.strandedEntries
        return .completed
    }

    /// The RTO of a move as the load saw it (`since` → A's first validation served by `server`),
    /// or the command's own when there is no load.
    private func observedRTO(
        of region: String, at server: String, since: ContinuousClock.Instant, command: FailoverReport, report: inout FailoverReport
    ) async -> Int64? {
        guard let load else { return command.rtoMilliseconds }
        let deadline = ContinuousClock.now + options.timeout
        while ContinuousClock.now < deadline {
            if let first = load.firstSuccess(of: region, at: server, after: since) {
                let rto = (first - since).milliseconds
                report.step("RTO \(rto) ms: \(region)'s traffic first validated at \(server)", say)
                return rto
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        report.step("RTO unknown: no validation of \(region)'s traffic succeeded at \(server) within \(options.timeout)", say)
        return nil
    }

    private func settle(_ report: inout FailoverReport) async {
        guard load != nil else { return }
        report.step("load running; settling \(options.settle)", say)
        try? await Task.sleep(for: options.settle)
    }

    /// Runs a kill or restart command for A; nil when it exited 0, else why not.
    private func shell(_ template: String, _ name: String, _ report: inout FailoverReport) async -> String? {
        let command = template.replacingOccurrences(of: "{region}", with: options.from)
        report.step("\(name): \(command)", say)
        let result = await ShellCommand(command, timeout: options.timeout).run()
        guard result.succeeded else { return "the \(name) command failed (\(result.termination)): \(result.output.suffix(500))" }
        return nil
    }

    private func prefixed(_ phase: String) -> @Sendable (String) -> Void {
        let say = self.say
        return { say("  [\(phase)] " + $0) }
    }
}
