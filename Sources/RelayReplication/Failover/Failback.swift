import Foundation
import RelayCore

/// `relay-dr failback --to A`: drives a `FailbackMachine`. A is back, taken over by its successor
/// S (so its database refuses writes). Once A has applied S's ledger up to S's head, S records the
/// failback in its own ledger, after every execution S made of A's seals; A serves its traffic
/// again, at a new epoch, when it applies that entry. After a forced failover, A's stranded
/// records (its ledger beyond the seq S held at the takeover) are listed, kept in A's ledger and
/// recorded in the history; from the failback on, peers accept them like any record.
public struct Failback: Sendable {
    /// What the operator asked for.
    public struct Options: Sendable {
        public var to: String
        public var dryRun = false
        /// Bound of each wait: A catching up on S, A applying the failback.
        public var catchUpTimeout: Duration = .seconds(60)
        public var operatorName: String
        public var reason: String

        /// Options for a failback of `to`'s traffic to itself.
        public init(to: String, operatorName: String, reason: String) {
            self.to = to
            self.operatorName = operatorName
            self.reason = reason
        }
    }

    let regions: RegionSet
    let client: RegionClient
    let options: Options
    let say: @Sendable (String) -> Void

    /// A failback of `options.to` over `client`.
    public init(regions: RegionSet, client: RegionClient, options: Options, say: @escaping @Sendable (String) -> Void) {
        self.regions = regions
        self.client = client
        self.options = options
        self.say = say
    }

    /// Runs the failback (or its dry run) to the end and reports what happened.
    public func run() async -> FailoverReport {
        let a = options.to
        let successor = await self.successor()
        var report = FailoverReport(
            kind: "failback", from: successor ?? "?", to: a, eventID: "failback:\(a):" + UUID().uuidString.lowercased(), dryRun: options.dryRun)
        var machine = FailbackMachine()
        var action: FailbackMachine.Action?
        if !options.dryRun, let left = await leftHalfDone() {
            report = FailoverReport(kind: "failback", from: left.successor, to: a, eventID: left.eventID, dryRun: false)
            report.step("resuming failback \(left.eventID): \(left.successor) recorded it at seq \(left.seq)", say)
            (machine, action) = FailbackMachine.resuming(failbackSeq: left.seq)
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
        await client.record(report, at: a, operatorName: options.operatorName, reason: options.reason, say: say)
        return report
    }

    /// The region serving A, from the first region (A first) whose routing map says A is taken over.
    private func successor() async -> String? {
        for observer in [options.to] + regions.ids.filter({ $0 != options.to }) {
            if case .takenOver(let by, _) = await client.state(of: options.to, asSeenBy: observer)?.role { return by }
        }
        return nil
    }

    /// A failback of A recorded by its successor whose coordinator stopped before the report.
    private func leftHalfDone() async -> (eventID: String, successor: String, seq: Int64)? {
        for observer in regions.ids where observer != options.to {
            guard let history = try? await client.dr(observer, "/v1/history"), history.ok else { continue }
            let entries = history.body["entries"]?.arrayValue ?? []
            guard let last = entries.last(where: { $0["region"]?.stringValue == options.to && $0["action"] != "report" }),
                last["action"] == "failback", let event = last["event_id"]?.stringValue, let ledger = last["ledger"]?.stringValue,
                let seq = last["seq"]?.numberValue, await !client.hasReport(of: event, at: options.to)
            else { continue }
            return (event, ledger, Int64(seq))
        }
        return nil
    }

    private func perform(_ action: FailbackMachine.Action, report: inout FailoverReport) async -> FailbackMachine.Event {
        let a = options.to
        let s = report.from
        do {
            switch action {
            case .runPrechecks:
                report.prechecks = await prechecks(successor: s == "?" ? nil : s, report: &report)
                for c in report.prechecks { report.step("pre-check \(c.ok ? "ok  " : "FAIL") \(c.name): \(c.detail)", say) }
                return .prechecksDone(failures: report.prechecks.filter { !$0.ok }.map { "\($0.name): \($0.detail)" })
            case .waitForCatchUp:
                guard let target = await client.status(s).headSeq else { return .stepFailed("\(s)'s status is unavailable") }
                report.step("catching up: waiting until \(a) has \(s)'s records up to seq \(target) (timeout \(options.catchUpTimeout))", say)
                guard await waitUntil(a, holds: s, upTo: target) else {
                    return .catchUpTimedOut("\(a) did not apply \(s)'s ledger up to seq \(target) within \(options.catchUpTimeout); nothing changed")
                }
                report.step("caught up: \(a) has \(s)'s records up to seq \(target)", say)
                return .caughtUp
            case .runPrePromoteHook:
                return await report.runHook(.prePromote, regions: regions, say: say).map { .hookFailed(output: $0) } ?? .hookPassed
            case .writeFailback:
                // Listed again now: A's ledger may have grown since the pre-checks (registrations
                // are not fenced), and the entry must name every stranded record.
                try await listStranded(report: &report)
                var request = ControlRequest(action: .failback, region: a, eventID: report.eventID, operatorName: options.operatorName, reason: options.reason)
                request.stranded = Self.range(report.strandedEntries, records: report.rpoRecords ?? 0)
                let answer = try await client.control(s, request)
                guard answer.ok else { return answer.status == 409 ? .failbackRefused("\(s) refused the failback: \(answer.detail)") : .stepFailed(answer.detail) }
                guard let seq = answer.body["seq"]?.numberValue else { return .stepFailed("\(s)'s failback entry was not chained within 10 s") }
                report.epoch = answer.body["state"]?["epoch"]?.numberValue.map { Int64($0) }
                report.step("failback recorded in \(s)'s ledger at seq \(Int64(seq)): \(s) no longer serves \(a) or executes its seals", say)
                return .failbackWritten(seq: Int64(seq))
            case .waitUntilApplied(let seq):
                guard await waitUntil(a, holds: s, upTo: seq) else {
                    return .stepFailed("\(a) has not applied \(s)'s ledger up to seq \(seq) within \(options.catchUpTimeout)")
                }
                report.step("\(a) applied the failback: it serves its traffic again\(report.epoch.map { " at epoch \($0)" } ?? "")", say)
                return .applied
            case .runRouteChangeHook:
                return await report.runHook(.onRouteChange, regions: regions, say: say).map { .stepFailed("on_route_change hook: \($0)") } ?? .routeChanged
            case .postCheck:
                if let failure = try await client.postCheck(serving: a, by: a) { return .postCheckDone(failure: failure) }
                report.step("post-check: \(a) routes its traffic to itself and its gateway is healthy", say)
                return .postCheckDone(failure: nil)
            case .finish:
                return .stepFailed("finish is not performed")
            }
        } catch {
            return .stepFailed(StatusProbe.describe(error))
        }
    }

    /// Polls until `region` has applied `origin`'s ledger up to `seq`; false after the timeout.
    private func waitUntil(_ region: String, holds origin: String, upTo seq: Int64) async -> Bool {
        let deadline = ContinuousClock.now + options.catchUpTimeout
        while ContinuousClock.now < deadline {
            if let held = await client.appliedSeq(of: origin, at: region), held >= seq { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// A's stranded records, as A lists them (`GET /v1/stranded`), into the report.
    private func listStranded(report: inout FailoverReport) async throws {
        let answer = try await client.dr(options.to, "/v1/stranded")
        guard answer.ok else { throw ControlRequestError("\(options.to) cannot list its stranded records: \(answer.detail)") }
        report.strandedEntries = answer.body["entries"]?.arrayValue ?? []
        report.rpoRecords = answer.body["records"]?.numberValue.map { Int64($0) } ?? 0
        report.takeoverSeq = answer.body["takeover_seq"]?.numberValue.map { Int64($0) }
    }

    /// The `stranded` member for `entries` (nil when there are none).
    static func range(_ entries: [JSONValue], records: Int64) -> RegionControl.Stranded? {
        guard let first = entries.first?["seq"]?.numberValue, let last = entries.last?["seq"]?.numberValue else { return nil }
        return RegionControl.Stranded(fromSeq: Int64(first), throughSeq: Int64(last), records: records)
    }

    private func prechecks(successor: String?, report: inout FailoverReport) async -> [FailoverReport.Check] {
        let a = options.to
        var checks: [FailoverReport.Check] = []
        func check(_ name: String, _ ok: Bool, _ detail: String) { checks.append(.init(name: name, ok: ok, detail: detail)) }

        guard let s = successor else {
            check("\(a) taken over", false, "no region's routing map says \(a) is taken over: there is nothing to fail back")
            return checks
        }
        check("\(a) taken over", true, "\(s) serves \(a)'s traffic")
        let statusA = await client.status(a)
        check("\(a) reachable", statusA.reachable, statusA.reachable ? "relay-dr answers with its database" : "relay-dr status: \(statusA.error ?? "no answer")")
        let stateSeenByA = await client.state(of: a, asSeenBy: a)
        let startsFenced = if case .takenOver(s, _) = stateSeenByA?.role { true } else { false }
        check("\(a) knows it is taken over", startsFenced,
              startsFenced ? "\(a)'s database refuses its own writes" : "\(a) sees itself \(stateSeenByA?.role.name ?? "unknown"): wait until it has \(s)'s takeover entry")
        let gatewayA = try? await client.gatewayHealth(a)
        check("\(a) gateway healthy", gatewayA?.ok == true, gatewayA.map { $0.ok ? "answers 200" : "answers \($0.status)" } ?? "does not answer")
        check("\(a) has chained everything", statusA.unchained == 0, "\(statusA.unchained.map(String.init) ?? "unknown") record(s) not chained yet")
        let statusS = await client.status(s)
        check("\(s) reachable", statusS.reachable, statusS.reachable ? "relay-dr answers" : "relay-dr status: \(statusS.error ?? "no answer")")
        let replica = statusA.replica(of: s)
        let quarantined = replica?["quarantined"]?.boolValue ?? false
        check("\(a)'s copy of \(s) consistent", statusA.reachable && !quarantined,
              quarantined ? "quarantined: \(replica?["quarantine_reason"]?.stringValue ?? "")" : "not quarantined")
        if statusA.reachable {
            do {
                try await listStranded(report: &report)
                check("stranded records", true,
                      report.strandedEntries.isEmpty ? "none: \(s) had every record of \(a)"
                        : "\(report.strandedEntries.count) entr\(report.strandedEntries.count == 1 ? "y" : "ies") of \(a)'s ledger beyond seq "
                            + "\(report.takeoverSeq.map(String.init) ?? "?") (\(report.rpoRecords ?? 0) client record(s)): kept in \(a)'s ledger, "
                            + "listed in the history, replicated after the failback")
            } catch {
                check("stranded records", false, "\(error)")
            }
        }
        return checks
    }
}
