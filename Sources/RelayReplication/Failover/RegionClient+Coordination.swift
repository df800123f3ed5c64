import RelayCore

/// What the coordinators (switchover, failover, failback, drill) ask of the regions beyond
/// single requests: a region's state as another sees it, the post-check, and the event report.
extension RegionClient {
    /// `region`'s state in `observer`'s routing map; nil when `observer` does not answer.
    public func state(of region: String, asSeenBy observer: String) async -> RegionState? {
        guard let routing = try? await dr(observer, "/v1/routing"), routing.ok else { return nil }
        return RoutingDocument.states(routing.body).first { $0.region == region } ?? RegionState(region: region)
    }

    /// What `region` has applied of `origin`'s ledger (its status); nil when it does not answer.
    func appliedSeq(of origin: String, at region: String) async -> Int64? {
        await status(region).replica(of: origin)?["seq"]?.numberValue.map { Int64($0) }
    }

    /// nil when `server`'s routing map says it serves `region` and its gateway is healthy;
    /// otherwise what is wrong.
    func postCheck(serving region: String, by server: String) async throws -> String? {
        let routing = try await dr(server, "/v1/routing")
        let serving = RoutingMap(regions: regions.ids, states: RoutingDocument.states(routing.body)).serving(region)
        guard serving == server else { return "\(server)'s routing says \(region) is served by \(serving)" }
        let health = try await gatewayHealth(server)
        guard health.ok else { return "\(server)'s gateway is not healthy: \(health.detail)" }
        return nil
    }

    /// Whether `region` holds a report of event `eventID` (the event finished and was recorded).
    func hasReport(of eventID: String, at region: String) async -> Bool {
        guard let history = try? await dr(region, "/v1/history"), history.ok else { return false }
        return (history.body["entries"]?.arrayValue ?? []).contains { $0["action"] == "report" && $0["event_id"]?.stringValue == eventID }
    }

    /// Records what an event that changed something measured (RTO, RPO, pre-checks…) as a
    /// `report` entry in `region`'s ledger, so `relay-dr history` shows it everywhere. A dry run
    /// or a refusal changed nothing and records nothing.
    func record(_ report: FailoverReport, at region: String, operatorName: String, reason: String, say: @Sendable (String) -> Void) async {
        guard !report.dryRun else { return }
        switch report.outcome {
        case .completed, .stuck: break
        default: return
        }
        var request = ControlRequest(action: .report, region: region, eventID: report.eventID, operatorName: operatorName, reason: reason)
        request.report = report.historyJSON
        do {
            let answer = try await control(region, request)
            if !answer.ok { say("warning: the report could not be recorded in \(region)'s ledger: \(answer.detail)") }
        } catch {
            say("warning: the report could not be recorded in \(region)'s ledger: \(StatusProbe.describe(error))")
        }
    }
}
