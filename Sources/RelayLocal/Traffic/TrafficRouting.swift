import AsyncHTTPClient
import Foundation
import RelayCore
import RelayReplication
import Synchronization

/// Sends each region's share of the traffic to the region serving it, as the relay-drs' routing
/// map says (`GET /v1/routing`): what DNS does in production after a switchover or a failover.
public final class TrafficRouting: Sendable {
    /// Region ids, in the order of the generator's gateways.
    public let regions: [String]
    let gateways: [String: String]
    let routingURLs: [String]
    private let serving = Mutex<[String: String]>([:])

    /// How often the map is read again.
    public let interval: Duration

    /// Routing for `regions` (ids, gateway base URLs and relay-dr base URLs, in the same order),
    /// read every `interval`.
    public init(regions: [String], gateways: [String], relayDRs: [String], interval: Duration = .seconds(1)) {
        self.interval = interval
        self.regions = regions
        self.gateways = Dictionary(uniqueKeysWithValues: zip(regions, gateways))
        self.routingURLs = relayDRs.map { $0 + "/v1/routing" }
    }

    /// The region of gateway `index`, the region serving it now, and that region's gateway.
    func route(for index: Int) -> (region: String, servedBy: String, gateway: String) {
        let region = regions[index % regions.count]
        let target = serving.withLock { $0[region] } ?? region
        return gateways[target].map { (region, target, $0) } ?? (region, region, gateways[region]!)
    }

    /// Reads every relay-dr's map and keeps, for each region, the newest state any of them holds
    /// (a region back from a crash may not know yet that it was taken over); keeps the last map
    /// when none answers.
    func refresh(client: HTTPClient) async {
        // All at once, briefly: a region that is down must not hold the others' news up.
        let documents = await withTaskGroup(of: JSONValue?.self) { group in
            for url in routingURLs {
                group.addTask {
                    guard let response = try? await client.execute(HTTPClientRequest(url: url), timeout: .seconds(1)), response.status == .ok,
                        let bytes = try? await response.body.collect(upTo: 1 << 20)
                    else { return nil }
                    return try? JSONParser.parse(Array(buffer: bytes))
                }
            }
            var out: [JSONValue] = []
            for await document in group { if let document { out.append(document) } }
            return out
        }
        var newest: [String: RegionState] = [:]
        let answered = !documents.isEmpty
        for json in documents {
            for state in RoutingDocument.states(json) where newest[state.region].map({ state.isNewer(than: $0) }) ?? true {
                newest[state.region] = state
            }
        }
        guard answered else { return }
        let map = RoutingMap(regions: regions, states: Array(newest.values))
        let routes = Dictionary(uniqueKeysWithValues: regions.map { ($0, map.serving($0)) }.filter { gateways[$0.1] != nil })
        serving.withLock { $0 = routes }
    }
}
