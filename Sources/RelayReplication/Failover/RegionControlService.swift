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
    let clock: RelayClock
    let logger: Logger

    /// Creates the service of `region`'s relay-dr on its database.
    public init(region: String, regions: RegionSet, database: Database, clock: RelayClock, logger: Logger) {
        self.region = region
        self.regions = regions
        self.store = RegionStateStore(database: database)
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
        let mine = request.region == region || (request.action == .takeover && request.successor == region)
        guard mine else {
            let writer = request.action == .takeover ? request.successor ?? "?" : request.region
            return (409, ["detail": .string("region \(region) does not record \(request.action.rawValue) of \(request.region): send it to \(writer)'s relay-dr")])
        }
        do {
            let current = try await store.state(of: request.region) ?? RegionState(region: request.region)
            if let expected = request.expectEvent, current.eventID != expected {
                return (409, ["detail": .string(
                    "\(request.region)'s last change belongs to event \(current.eventID ?? "none"), not \(expected): another coordinator acted since")])
            }
            let control = try current.next(
                request.action, successor: request.successor, mode: request.mode, controlID: UUID().uuidString.lowercased(),
                eventID: request.eventID, operatorName: request.operatorName, reason: request.reason, at: clock.now())
            let state = try await store.write(control, ledgerRegion: region) ?? current.applying(control)
            logger.notice(
                "region control written",
                metadata: [
                    "action": "\(control.action.rawValue)", "subject_region": "\(control.region)", "epoch": "\(control.epoch)",
                    "event_id": "\(control.eventID)", "operator": "\(control.operatorName)", "reason": "\(control.reason)",
                ])
            let seq = try await chained(control.controlID)
            return (200, ["state": RoutingDocument.json(state), "control_id": .string(control.controlID), "seq": seq.map { .number(Double($0)) } ?? .null])
        } catch let refusal as RegionControlRefusal {
            return (409, ["detail": .string(refusal.reason)])
        } catch {
            logger.error("region control failed", metadata: ["error": "\(error)"])
            return (503, ["detail": .string("region control failed: \(error)")])
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

    /// `GET /v1/routing`: every region's state and who serves it, as this region sees it.
    public func routing() async throws -> JSONValue {
        let map = RoutingMap(regions: regions.ids, states: try await store.states())
        return RoutingDocument.json(map, answeredBy: region, at: clock.now())
    }
}
