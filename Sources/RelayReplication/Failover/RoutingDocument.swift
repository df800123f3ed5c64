import RelayCore

/// The JSON of region states and of the routing map (`GET /v1/routing`, docs/failover.md).
public enum RoutingDocument {
    /// One region's state.
    public static func json(_ s: RegionState) -> JSONValue {
        var members: [String: JSONValue] = [
            "region": .string(s.region), "state": .string(s.role.name), "paused": .bool(s.paused),
            "epoch": .number(Double(s.epoch)), "version": .number(Double(s.version)),
            "since": s.since.map { .string($0.iso8601) } ?? .null, "reason": s.reason.map { .string($0) } ?? .null,
            "operator": s.operatorName.map { .string($0) } ?? .null, "event_id": s.eventID.map { .string($0) } ?? .null,
        ]
        if case .takenOver(let by, let mode) = s.role {
            members["successor"] = .string(by)
            members["mode"] = .string(mode.rawValue)
            members["takeover_seq"] = s.takeoverSeq.map { .number(Double($0)) } ?? .null
        }
        return .object(members)
    }

    /// The routing map as `answeredBy` holds it at `at`.
    public static func json(_ map: RoutingMap, answeredBy region: String, at: Timestamp) -> JSONValue {
        let regions = map.states.keys.sorted().map { id -> JSONValue in
            guard case .object(var members) = json(map.states[id]!) else { return .null }
            members["serving"] = .string(map.serving(id))
            return .object(members)
        }
        return ["answered_by": .string(region), "at": .string(at.iso8601), "regions": .array(regions)]
    }

    /// The states a routing document holds (what a coordinator reads back).
    public static func states(_ document: JSONValue) -> [RegionState] {
        (document["regions"]?.arrayValue ?? []).compactMap { r in
            guard let region = r["region"]?.stringValue, let state = r["state"]?.stringValue,
                let role = RegionState.Role(name: state, successor: r["successor"]?.stringValue, mode: r["mode"]?.stringValue)
            else { return nil }
            var parsed = RegionState(
                region: region, role: role, paused: r["paused"]?.boolValue ?? false,
                epoch: Int64(r["epoch"]?.numberValue ?? 1), version: Int64(r["version"]?.numberValue ?? 0),
                since: r["since"]?.stringValue.flatMap { try? Timestamp(iso8601: $0) }, reason: r["reason"]?.stringValue,
                operatorName: r["operator"]?.stringValue, eventID: r["event_id"]?.stringValue)
            parsed.takeoverSeq = r["takeover_seq"]?.numberValue.map { Int64($0) }
            return parsed
        }
    }
}
