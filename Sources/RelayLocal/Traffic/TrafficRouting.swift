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
    /// The states each relay-dr answered last.
    private let latest = Mutex<[String: [RegionState]]>([:])

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

    /// Reads every relay-dr's map, each on its own (a relay-dr whose database is down answers
    /// only after its own bound, and must not hold the others' news up), until cancelled.
    func follow(client: HTTPClient) async {
        await withTaskGroup(of: Void.self) { group in
            for url in routingURLs {
                group.addTask {
                    while !Task.isCancelled {
                        if let response = try? await client.execute(HTTPClientRequest(url: url), timeout: .seconds(2)), response.status == .ok,
                            let bytes = try? await response.body.collect(upTo: 1 << 20), let json = try? JSONParser.parse(Array(buffer: bytes))
                        {
                            self.update(url, with: RoutingDocument.states(json))
                        }
                        try? await Task.sleep(for: self.interval)
                    }
                }
            }
        }
    }

    /// Keeps `url`'s latest states and routes each region to the serving region of the newest
    /// state any relay-dr holds (a region back from a crash may not know yet it was taken over).
    private func update(_ url: String, with states: [RegionState]) {
        let views = latest.withLock {
            $0[url] = states
            return Array($0.values)
        }
        var newest: [String: RegionState] = [:]
        for state in views.joined() where newest[state.region].map({ state.isNewer(than: $0) }) ?? true {
            newest[state.region] = state
        }
        let map = RoutingMap(regions: regions, states: Array(newest.values))
        let routes = Dictionary(uniqueKeysWithValues: regions.map { ($0, map.serving($0)) }.filter { gateways[$0.1] != nil })
        serving.withLock { $0 = routes }
    }
}
