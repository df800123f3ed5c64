import RelayCore

/// Every region's state as all reachable regions see it (the newest change of each region
/// wins), with heads and lag: what `relay-dr list` prints.
public struct RegionListing: Sendable {
    public struct Row: Sendable {
        public let state: RegionState
        public let serving: String
        public let servingFor: [String]
        public let headSeq: Int64?
        public let maxLagRecords: Int64?
        public let reachable: Bool
    }

    public let rows: [Row]
    public let unreachable: [String]

    /// Asks every region concurrently.
    public static func gather(regions: RegionSet, client: RegionClient) async -> RegionListing {
        let answers = await withTaskGroup(of: (String, RegionClient.Answer?, RegionProbe).self) { group in
            for id in regions.ids {
                group.addTask { (id, try? await client.dr(id, "/v1/routing"), await client.status(id)) }
            }
            var out: [String: (RegionClient.Answer?, RegionProbe)] = [:]
            for await (id, routing, status) in group { out[id] = (routing, status) }
            return out
        }
        var newest: [String: RegionState] = [:]
        for (_, (routing, _)) in answers {
            guard let routing, routing.ok else { continue }
            for s in RoutingDocument.states(routing.body) where newest[s.region].map({ !$0.isNewer(than: s) }) ?? true {
                newest[s.region] = s
            }
        }
        let map = RoutingMap(regions: regions.ids, states: Array(newest.values))
        let rows = regions.ids.map { id -> Row in
            let status = answers[id]?.1
            let ok = status?.reachable == true
            let lags = status?.status?["peers"]?.arrayValue?.compactMap { $0["lag_records"]?.numberValue.map { Int64($0) } } ?? []
            return Row(
                state: map.states[id] ?? RegionState(region: id), serving: map.serving(id),
                servingFor: regions.ids.filter { $0 != id && map.serving($0) == id },
                headSeq: status?.headSeq, maxLagRecords: lags.max(), reachable: ok)
        }
        return RegionListing(rows: rows, unreachable: rows.filter { !$0.reachable }.map(\.state.region))
    }

    /// The table.
    public var table: String {
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
        var lines = [pad("REGION", 18) + pad("STATE", 38) + pad("EPOCH", 7) + pad("PAUSED", 8) + pad("HEAD", 10) + pad("LAG", 8) + "SERVING FOR"]
        for r in rows {
            var state = r.state.role.name
            if case .takenOver(let by, let mode) = r.state.role { state = "taken over by \(by) (\(mode.rawValue))" }
            if !r.reachable { state += ", unreachable" }
            lines.append(
                pad(r.state.region, 18) + pad(state, 38) + pad("\(r.state.epoch)", 7) + pad(r.state.paused ? "yes" : "no", 8)
                    + pad(r.headSeq.map(String.init) ?? "-", 10) + pad(r.maxLagRecords.map(String.init) ?? "-", 8)
                    + (r.servingFor.isEmpty ? "-" : r.servingFor.joined(separator: ", ")))
        }
        return lines.joined(separator: "\n")
    }

    /// The listing as JSON.
    public var json: JSONValue {
        [
            "regions": .array(rows.map { r in
                guard case .object(var m) = RoutingDocument.json(r.state) else { return .null }
                m["serving"] = .string(r.serving)
                m["serving_for"] = .array(r.servingFor.map { .string($0) })
                m["head_seq"] = r.headSeq.map { .number(Double($0)) } ?? .null
                m["max_lag_records"] = r.maxLagRecords.map { .number(Double($0)) } ?? .null
                m["reachable"] = .bool(r.reachable)
                return .object(m)
            }),
            "unreachable": .array(unreachable.map { .string($0) }),
        ]
    }
}
