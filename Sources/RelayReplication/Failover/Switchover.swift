import Foundation
import RelayCore

/// `relay-dr switchover --from A --to B`: drives a `SwitchoverMachine` against the regions'
/// relay-dr APIs. Every write is a `region_control` entry in a region's ledger; a coordinator
/// killed half-way leaves A fenced (or taken over), and running the command again resumes it.
public struct Switchover: Sendable {
    /// What the operator asked for.
    public struct Options: Sendable {
        public var from: String
        public var to: String
        public var dryRun = false
        /// Proceed although the source is paused.
        public var force = false
        public var drainTimeout: Duration = .seconds(30)
        public var operatorName: String
        public var reason: String

        /// Options for a switchover of `from`'s traffic to `to`.
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
    /// Progress lines (one per step) as they happen.
    let say: @Sendable (String) -> Void

    /// A switchover of `options.from` to `options.to` over `client`.
    public init(regions: RegionSet, client: RegionClient, options: Options, say: @escaping @Sendable (String) -> Void) {
        self.regions = regions
        self.client = client
        self.options = options
        self.say = say
    }

    /// Runs the switchover (or its dry run) to the end and reports what happened.
    public func run() async -> FailoverReport {
        let a = options.from
        let b = options.to
        var report = FailoverReport(kind: "switchover", from: a, to: b, eventID: Self.eventID(to: b), dryRun: options.dryRun)
        var machine = SwitchoverMachine()
        var action: SwitchoverMachine.Action?
        // A switchover left half-done by a coordinator that stopped is resumed, not started again.
        if !options.dryRun, let left = await leftHalfDone() {
            report.eventID = left.eventID
            report.step("resuming switchover \(left.eventID) (\(left.observed))", say)
            (machine, action) = SwitchoverMachine.resuming(left.observed)
        } else {
            action = machine.handle(.start(dryRun: options.dryRun))
        }
        while let next = action {
            if case .finish(let outcome) = next {
                report.finish(outcome)
                report.step("finished: \(report.outcomeText)", say)
                break
            }
            let event = await perform(next, report: &report)
            action = machine.handle(event)
        }
        await client.record(report, at: b, operatorName: options.operatorName, reason: options.reason, say: say)
        return report
    }

    /// A switchover's event id names its target (`switchover:<to>:<uuid>`), so that running the
    /// command again resumes only a switchover to the same region; one to another is refused.
    static func eventID(to target: String) -> String { "switchover:\(target):" + UUID().uuidString.lowercased() }

    /// A's state when a switchover to B stopped half-way: fenced (its head is the drain target),
    /// or taken over by B while routing was being switched.
    private func leftHalfDone() async -> (eventID: String, observed: SwitchoverMachine.Observed)? {
        guard let routing = try? await client.dr(options.from, "/v1/routing"), routing.ok,
            let a = RoutingDocument.states(routing.body).first(where: { $0.region == options.from }), let event = a.eventID,
            event.hasPrefix("switchover:\(options.to):")
        else { return nil }
        switch a.role {
        case .fenced:
            guard let head = await client.status(options.from).headSeq else { return nil }
            return (event, .fenced(headSeq: head))
        case .takenOver(let by, .switchover) where by == options.to:
            // Finished or not, re-running a finished switchover's last steps changes nothing.
            guard let target = try? await client.dr(options.to, "/v1/routing"),
                RoutingMap(regions: regions.ids, states: RoutingDocument.states(target.body)).serving(options.from) != options.to
            else { return nil }
            return (event, .takenOver)
        default: return nil
        }
    }

    private func perform(_ action: SwitchoverMachine.Action, report: inout FailoverReport) async -> SwitchoverMachine.Event {
        let a = options.from
        let b = options.to
        do {
            switch action {
            case .runPrechecks:
                report.prechecks = await prechecks()
                for c in report.prechecks { report.step("pre-check \(c.ok ? "ok  " : "FAIL") \(c.name): \(c.detail)", say) }
                return .prechecksDone(failures: report.prechecks.filter { !$0.ok }.map { "\($0.name): \($0.detail)" })
            case .writeFence:
                let answer = try await client.control(a, request(.fence, region: a, event: report.eventID))
                guard answer.ok else { return .stepFailed("\(a) refused the fence: \(answer.detail)") }
                guard let seq = answer.body["seq"]?.numberValue else { return .stepFailed("\(a)'s fence was not chained within 10 s") }
                report.step("fenced \(a) at seq \(Int64(seq)): it accepts no new manifests, seals or executions", say)
                return .fenced(headSeq: Int64(seq))
            case .waitForDrain(let target):
                report.step("draining: waiting until \(b) has \(a)'s records up to seq \(target) (timeout \(options.drainTimeout))", say)
                let deadline = ContinuousClock.now + options.drainTimeout
                while ContinuousClock.now < deadline {
                    if let applied = await client.appliedSeq(of: a, at: b), applied >= target {
                        report.step("drained: \(b) has \(a) up to seq \(applied)", say)
                        report.drainedSeq = applied
                        return .drained
                    }
                    try await Task.sleep(for: .milliseconds(25))
                }
                return .drainTimedOut
            case .runPrePromoteHook:
                return await report.runHook(.prePromote, regions: regions, say: say).map { .hookFailed(output: $0) } ?? .hookPassed
            case .writeTakeover:
                let answer = try await client.control(
                    b, request(.takeover, region: a, event: report.eventID, successor: b, mode: .switchover, expectEvent: report.eventID))
                guard answer.ok else { return .stepFailed("\(b) refused the takeover: \(answer.detail)") }
                report.epoch = answer.body["state"]?["epoch"]?.numberValue.map { Int64($0) }
                report.step("took over: \(b) serves \(a)'s traffic and executes its seals at epoch \(report.epoch.map(String.init) ?? "?")", say)
                return .takeoverWritten
            case .runRouteChangeHook:
                // The takeover stands whatever the hook did: the routing map already moved the traffic.
                return await report.runHook(.onRouteChange, regions: regions, say: say).map { .stepFailed("on_route_change hook: \($0)") } ?? .routeChanged
            case .postCheck:
                if let failure = try await client.postCheck(serving: a, by: b) { return .postCheckDone(failure: failure) }
                report.step("post-check: \(b) routes \(a)'s traffic to itself and its gateway is healthy", say)
                return .postCheckDone(failure: nil)
            case .writeUnfence:
                let answer = try await client.control(a, request(.unfence, region: a, event: report.eventID, expectEvent: report.eventID))
                guard answer.ok else { return .stepFailed("\(a) refused the unfence: \(answer.detail)") }
                report.step("rolled back: \(a) unfenced, it serves its traffic again", say)
                return .unfenced
            case .finish:
                return .stepFailed("finish is not performed")
            }
        } catch {
            return .stepFailed(StatusProbe.describe(error))
        }
    }

    private func request(
        _ action: RegionControl.Action, region: String, event: String, successor: String? = nil, mode: TakeoverMode? = nil,
        expectEvent: String? = nil
    ) -> ControlRequest {
        ControlRequest(
            action: action, region: region, successor: successor, mode: mode, eventID: event, operatorName: options.operatorName,
            reason: options.reason, expectEvent: expectEvent)
    }

    /// Every pre-check, each with what it found.
    private func prechecks() async -> [FailoverReport.Check] {
        let a = options.from
        let b = options.to
        var list = PrecheckList()

        // Asked all at once: the pre-checks are part of the RTO.
        async let statusAsked = client.status(a)
        async let healthAsked = try? client.dr(b, "/health")
        async let gatewayAsked = try? client.gatewayHealth(b)
        async let routingAsked = try? client.dr(a, "/v1/routing")
        async let statusBAsked = client.status(b)
        let (statusA, health, gateway, routing, statusB) = await (statusAsked, healthAsked, gatewayAsked, routingAsked, statusBAsked)

        list.check("\(a) reachable", statusA.reachable, statusA.reachable ? "relay-dr answers" : "relay-dr does not answer: use `relay-dr failover --allow-data-loss` if \(a) is lost")
        list.targetHealthy(b, relayDR: health, gateway: gateway)

        let states = RoutingDocument.states(routing?.body ?? .null)
        let stateA = states.first { $0.region == a } ?? RegionState(region: a)
        let stateB = states.first { $0.region == b } ?? RegionState(region: b)
        list.check("\(a) active", stateA.role == .active,
                   "\(a) is \(stateA.role.name)" + (stateA.role == .active ? "" : " (event \(stateA.eventID ?? "?") by \(stateA.operatorName ?? "?"): \(stateA.reason ?? ""))"))
        list.targetActiveAndNotPaused(stateA, stateB, force: options.force)

        let maxLag = Int64(regions.region(a)?.targets.maxLagOnFailover ?? 0)
        let lag = statusA.peer(b)?["lag_records"]?.numberValue.map { Int64($0) }
        list.check("lag within max_lag_on_failover", lag.map { $0 <= maxLag } ?? false, "\(a) → \(b) lag \(lag.map(String.init) ?? "unknown") records, limit \(maxLag)")
        list.copyConsistent(of: a, at: statusB)
        return list.checks
    }
}
