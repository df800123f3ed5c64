import Foundation
import RelayCore

/// `relay-dr failover --from A --to B --allow-data-loss`: drives a `FailoverMachine`. A is
/// unreachable; B takes it over at a new epoch, recording the seq of A's ledger it holds and the
/// loss the operator accepted. From then on no region accepts A's records beyond that seq (they
/// are A's stranded records, listed at its failback), and A's earlier seals no longer execute.
public struct Failover: Sendable {
    /// What the operator asked for.
    public struct Options: Sendable {
        public var from: String
        public var to: String
        public var dryRun = false
        /// The operator's acknowledgement that A's unshipped records are lost.
        public var allowDataLoss = false
        /// Proceed although A is paused.
        public var force = false
        public var operatorName: String
        public var reason: String

        /// Options for a forced failover of `from`'s traffic to `to`.
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
    let say: @Sendable (String) -> Void

    /// A failover of `options.from` to `options.to` over `client`.
    public init(regions: RegionSet, client: RegionClient, options: Options, say: @escaping @Sendable (String) -> Void) {
        self.regions = regions
        self.client = client
        self.options = options
        self.say = say
    }

    /// A forced failover's event id names its target, like a switchover's.
    static func eventID(to target: String) -> String { "failover:\(target):" + UUID().uuidString.lowercased() }

    /// Runs the failover (or its dry run) to the end and reports what happened.
    public func run() async -> FailoverReport {
        var report = FailoverReport(kind: "failover", from: options.from, to: options.to, eventID: Self.eventID(to: options.to), dryRun: options.dryRun)
        var machine = FailoverMachine()
        var action: FailoverMachine.Action?
        if !options.dryRun, let left = await leftHalfDone() {
            report.eventID = left
            report.step("resuming failover \(left): \(options.from) is already taken over by \(options.to)", say)
            (machine, action) = FailoverMachine.resuming()
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
        await client.record(report, at: options.to, operatorName: options.operatorName, reason: options.reason, say: say)
        return report
    }

    /// The event id of a failover to B that took A over and whose coordinator stopped before it
    /// recorded its report.
    private func leftHalfDone() async -> String? {
        guard let state = await client.state(of: options.from, asSeenBy: options.to), let event = state.eventID,
            state.role == .takenOver(by: options.to, mode: .failover), event.hasPrefix("failover:\(options.to):"),
            await !client.hasReport(of: event, at: options.to)
        else { return nil }
        return event
    }

    private func perform(_ action: FailoverMachine.Action, report: inout FailoverReport) async -> FailoverMachine.Event {
        let a = options.from
        let b = options.to
        do {
            switch action {
            case .runPrechecks:
                let (checks, loss) = await prechecks()
                report.prechecks = checks
                report.acceptedLoss = loss
                for c in checks { report.step("pre-check \(c.ok ? "ok  " : "FAIL") \(c.name): \(c.detail)", say) }
                return .prechecksDone(failures: checks.filter { !$0.ok }.map { "\($0.name): \($0.detail)" })
            case .runPrePromoteHook:
                return await report.runHook(.prePromote, regions: regions, say: say).map { .hookFailed(output: $0) } ?? .hookPassed
            case .writeTakeover:
                var request = ControlRequest(
                    action: .takeover, region: a, successor: b, mode: .failover, eventID: report.eventID,
                    operatorName: options.operatorName, reason: options.reason)
                request.acceptedLoss = report.acceptedLoss
                let answer = try await client.control(b, request)
                guard answer.ok else { return answer.status == 409 ? .takeoverRefused("\(b) refused the takeover: \(answer.detail)") : .stepFailed(answer.detail) }
                report.epoch = answer.body["state"]?["epoch"]?.numberValue.map { Int64($0) }
                report.takeoverSeq = answer.body["takeover_seq"]?.numberValue.map { Int64($0) }
                report.step(
                    "took over: \(b) serves \(a)'s traffic at epoch \(report.epoch.map(String.init) ?? "?"); it held \(a)'s ledger up to seq "
                        + "\(report.takeoverSeq.map(String.init) ?? "?"): every region now refuses \(a)'s records beyond it", say)
                return .takeoverWritten
            case .runRouteChangeHook:
                return await report.runHook(.onRouteChange, regions: regions, say: say).map { .stepFailed("on_route_change hook: \($0)") } ?? .routeChanged
            case .postCheck:
                if let failure = try await client.postCheck(serving: a, by: b) { return .postCheckDone(failure: failure) }
                report.step("post-check: \(b) routes \(a)'s traffic to itself and its gateway is healthy", say)
                return .postCheckDone(failure: nil)
            case .finish:
                return .stepFailed("finish is not performed")
            }
        } catch {
            return .stepFailed(StatusProbe.describe(error))
        }
    }

    /// Every pre-check with what it found, and the loss estimate: A's last head known to any
    /// reachable region against B's copy of A.
    private func prechecks() async -> ([FailoverReport.Check], RegionControl.AcceptedLoss?) {
        let a = options.from
        let b = options.to
        var list = PrecheckList()

        list.check("--allow-data-loss given", options.allowDataLoss,
                   options.allowDataLoss ? "the operator accepts losing what \(a) did not ship"
                     : "a forced failover loses what \(a) committed and did not ship; pass --allow-data-loss to accept it")
        let statusA = await client.bounded(by: .seconds(2)).status(a)
        list.check("\(a) unreachable", !statusA.reachable,
                   statusA.reachable ? "\(a)'s relay-dr answers with its database: use `relay-dr switchover` (no data loss)"
                     : "\(a)'s relay-dr status: \(statusA.error ?? "no answer")")
        list.targetHealthy(b, relayDR: try? await client.dr(b, "/health"), gateway: try? await client.gatewayHealth(b))

        let stateA = await client.state(of: a, asSeenBy: b) ?? RegionState(region: a)
        let stateB = await client.state(of: b, asSeenBy: b) ?? RegionState(region: b)
        let takenOver = if case .takenOver = stateA.role { true } else { false }
        list.check("\(a) not taken over", !takenOver, "\(b) sees \(a) \(stateA.role.name)" + (takenOver ? " (event \(stateA.eventID ?? "?"))" : ""))
        list.targetActiveAndNotPaused(stateA, stateB, force: options.force)
        let replica = list.copyConsistent(of: a, at: await client.status(b))

        // What the other regions hold of A bounds what is known to exist; what A committed and
        // shipped nowhere is unknown until A comes back (its failback lists it).
        guard let held = replica.flatMap(Self.head) else { return (list.checks, nil) }
        var known = held
        var knownBy = b
        for id in regions.ids where id != a && id != b {
            if let other = await client.status(id).replica(of: a).flatMap(Self.head), other.seq > known.seq {
                known = other
                knownBy = id
            }
        }
        let seconds = max(0, Double(known.at.microseconds - held.at.microseconds) / 1e6)
        let loss = RegionControl.AcceptedLoss(lastKnownSeq: known.seq, records: known.seq - held.seq, seconds: seconds)
        list.check("loss estimate", true,
              "\(b) holds \(a) up to seq \(held.seq); the last known is seq \(known.seq) (\(knownBy)): at least \(loss.records) record(s), "
                + String(format: "%.3f s", seconds) + ", plus whatever \(a) committed and shipped nowhere")
        return (list.checks, loss)
    }

    /// A replica head's seq and commit time from a status document.
    static func head(_ replica: JSONValue) -> (seq: Int64, at: Timestamp)? {
        guard let seq = replica["seq"]?.numberValue else { return nil }
        let at = replica["committed_at"]?.stringValue.flatMap { try? Timestamp(iso8601: $0) } ?? Timestamp(microseconds: 0)
        return (Int64(seq), at)
    }
}
