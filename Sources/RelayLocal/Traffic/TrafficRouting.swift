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

    /// Routing for `regions` (ids, gateway base URLs and relay-dr base URLs, in the same order).
    public init(regions: [String], gateways: [String], relayDRs: [String]) {
        self.regions = regions
        self.gateways = Dictionary(uniqueKeysWithValues: zip(regions, gateways))
        self.routingURLs = relayDRs.map { $0 + "/v1/routing" }
    }

    /// The gateway that serves the region of gateway `index` now.
    func gateway(for index: Int) -> String {
        let region = regions[index % regions.count]
        let target = serving.withLock { $0[region] } ?? region
        return gateways[target] ?? gateways[region]!
    }

    /// Reads every relay-dr's map and keeps, for each region, the newest state any of them holds
    /// (a region back from a crash may not know yet that it was taken over); keeps the last map
    /// when none answers.
    func refresh(client: HTTPClient) async {
        var newest: [String: RegionState] = [:]
        var answered = false
        for url in routingURLs {
            guard let response = try? await client.execute(HTTPClientRequest(url: url), timeout: .seconds(2)), response.status == .ok,
                let bytes = try? await response.body.collect(upTo: 1 << 20), let json = try? JSONParser.parse(Array(buffer: bytes))
            else { continue }
            answered = true
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
