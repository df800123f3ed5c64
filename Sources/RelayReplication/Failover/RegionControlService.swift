import Foundation
import Logging
import RelayCore
import RelayStore

/// `POST /v1/control` on a region's relay-dr: writes one `region_control` entry into this
/// region's ledger for a coordinator (`relay-dr switchover`, `pause`, …), and `GET /v1/routing`.
/// A region records changes to itself, and takeovers of others by itself; nothing else.
public struct RegionControlService: Sendable {
    let region: String
    let regions: RegionSet
    let store: RegionStateStore
    let ledger: LedgerStore
    let clock: RelayClock
    let logger: Logger

    /// Creates the service of `region`'s relay-dr on its database.
    public init(region: String, regions: RegionSet, database: Database, clock: RelayClock, logger: Logger) {
        self.region = region
        self.regions = regions
        self.store = RegionStateStore(database: database)
        self.ledger = LedgerStore(database: database)
        self.clock = clock
        self.logger = logger
    }

    /// Answers a control request: 200 with the new state and the entry's seq once chained, 409
    /// when the region's state does not allow it (with the reason), 422 for a malformed request.
    public func handle(_ body: [UInt8]) async -> (status: Int, body: JSONValue) {
        let request: ControlRequest
        do {
            let json = try JSONParser.parse(body)
            request = try ControlRequest(json: json)
        } catch {
            return (422, ["detail": .string("bad control request: \(error)")])
        }
        for id in [request.region] + (request.successor.map { [$0] } ?? []) where regions.region(id) == nil {
            return (422, ["detail": .string("unknown region \(id) (regions: \(regions.ids.joined(separator: ", ")))")])
        }
        do {
            let current = try await store.state(of: request.region) ?? RegionState(region: request.region)
            guard let writer = Self.writer(of: request, current: current), writer == region else {
                let writer = Self.writer(of: request, current: current)
                return (409, ["detail": .string(
                    "region \(region) does not record \(request.action.rawValue) of \(request.region): "
                        + (writer.map { "send it to \($0)'s relay-dr" } ?? "\(request.region) is \(current.role.name)"))])
            }
            if let expected = request.expectEvent, current.eventID != expected {
                return (409, ["detail": .string(
                    "\(request.region)'s last change belongs to event \(current.eventID ?? "none"), not \(expected): another coordinator acted since")])
            }
            let control = request.attached(to: try current.next(
                request.action, successor: request.successor, mode: request.mode, controlID: UUID().uuidString.lowercased(),
                eventID: request.eventID, operatorName: request.operatorName, reason: request.reason, at: clock.now()))
            let (stored, written) = try await store.write(control, ledgerRegion: region)
            let state = stored ?? current.applying(written)
            logger.notice(
                "region control written",
                metadata: [
                    "action": "\(written.action.rawValue)", "subject_region": "\(written.region)", "epoch": "\(written.epoch)",
                    "event_id": "\(written.eventID)", "operator": "\(written.operatorName)", "reason": "\(written.reason)",
                    "takeover_seq": "\(written.takeoverSeq.map(String.init) ?? "-")",
                ])
            let seq = try await chained(written.controlID)
            return (200, [
                "state": RoutingDocument.json(state), "control_id": .string(written.controlID), "seq": seq.map { .number(Double($0)) } ?? .null,
                "takeover_seq": written.takeoverSeq.map { .number(Double($0)) } ?? .null,
            ])
        } catch let refusal as RegionControlRefusal {
            return (409, ["detail": .string(refusal.reason)])
        } catch {
            logger.error("region control failed", metadata: ["error": "\(error)"])
            return (503, ["detail": .string("region control failed: \(error)")])
        }
    }

    /// The region whose ledger records `request`: a region records changes to itself and reports
    /// of events that ended at it; its takeover is recorded by the successor, and its failback by
    /// the successor too, which hands its traffic back (the entry then follows, in the
    /// successor's chain, every execution the successor made of the region's seals).
    static func writer(of request: ControlRequest, current: RegionState) -> String? {
        switch request.action {
        case .takeover: request.successor
        case .failback:
            if case .takenOver(let by, _) = current.role { by } else { nil }
        case .fence, .unfence, .pause, .resume, .report: request.region
        }
    }

    /// Waits (up to 10 s) for the chainer to link the entry, so the answer carries its seq: a
    /// fence's seq is what a drain waits for.
    private func chained(_ controlID: String) async throws -> Int64? {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let seq = try await store.chainedSeq(controlID: controlID, region: region) { return seq }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// `GET /v1/history`: every region-control entry this region holds, oldest first.
    public func history() async throws -> JSONValue {
        let entries = try await store.history()
        return [
            "answered_by": .string(region),
            "entries": .array(entries.map { e in
                guard case .object(var m) = e.control.body else { return .null }
                m["ledger"] = .string(e.ledger)
                m["seq"] = e.seq.map { .number(Double($0)) } ?? .null
                return .object(m)
            }),
        ]
    }

    /// `GET /v1/stranded`: this region's stranded records after a forced failover — the entries of
    /// its own ledger beyond the seq its successor held at the takeover, which no peer accepts
    /// until the region fails back. Empty unless the region is taken over in `failover` mode.
    public func stranded() async throws -> JSONValue {
        let state = try await store.state(of: region) ?? RegionState(region: region)
        let backlog = try await ledger.backlog(region: region)
        let head = try await ledger.recordedHead(region: region)?.seq ?? 0
        var document: [String: JSONValue] = [
            "region": .string(region), "state": RoutingDocument.json(state), "head_seq": .number(Double(head)),
            "unchained": .number(Double(backlog.count)),
        ]
        guard case .takenOver(_, .failover) = state.role, let cutoff = state.takeoverSeq else {
            document["entries"] = []
            document["records"] = 0
            return .object(document)
        }
        var entries: [JSONValue] = []
        var records: Int64 = 0
        try await ledger.forEachEntry(region: region, from: cutoff + 1) { entry, subject in
            if entry.kind != LedgerKind.regionControl { records += 1 }
            entries.append([
                "seq": .number(Double(entry.seq)), "kind": .string(entry.kind.rawValue), "subject": .string(subject),
                "committed_at": .string(entry.committedAt.iso8601),
            ])
        }
        document["takeover_seq"] = .number(Double(cutoff))
        document["entries"] = .array(entries)
        document["records"] = .number(Double(records))
        return .object(document)
    }

    /// `GET /v1/routing`: every region's state and who serves it, as this region sees it.
    public func routing() async throws -> JSONValue {
        let map = RoutingMap(regions: regions.ids, states: try await store.states())
        return RoutingDocument.json(map, answeredBy: region, at: clock.now())
    }
}
