import AsyncHTTPClient
import Foundation
import RelayCore
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

    /// Reads the map from the first relay-dr that answers; keeps the last one when none does.
    func refresh(client: HTTPClient) async {
        for url in routingURLs {
            guard let response = try? await client.execute(HTTPClientRequest(url: url), timeout: .seconds(2)), response.status == .ok,
                let bytes = try? await response.body.collect(upTo: 1 << 20), let json = try? JSONParser.parse(Array(buffer: bytes))
            else { continue }
            var map: [String: String] = [:]
            for r in json["regions"]?.arrayValue ?? [] {
                if let region = r["region"]?.stringValue, let to = r["serving"]?.stringValue, gateways[to] != nil { map[region] = to }
            }
            serving.withLock { $0 = map }
            return
        }
    }
}
