import AsyncHTTPClient
import NIOCore
import RelayCore

/// "I am back": a relay-dr that starts tells its peers, and each peer's shipper towards it ends
/// its backoff at once instead of sleeping out up to `maxBackoff` (a failover's RTO and a
/// catch-up both paid that wait). Best effort both ways: a lost hello costs one backoff.
extension ShippingService {
    /// Ends the backoff of the shipper towards `peer` (its relay-dr says it listens again);
    /// false when `peer` is not a peer of this region.
    func peerIsBack(_ peer: String) -> Bool {
        guard let shipper = shippers.first(where: { $0.peer.id == peer }) else { return false }
        shipper.peerBack.raise()
        return true
    }

    /// Says hello to every peer's `POST /v1/replication/hello` as `region`, all at once, 3 s each.
    func announce(region: String) async {
        await withTaskGroup(of: Void.self) { group in
            for peer in shippers.map(\.peer) {
                group.addTask {
                    var request = HTTPClientRequest(url: peer.drURL.joined(path: "/v1/replication/hello"))
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(bytes: CanonicalJSON.bytes(["region": .string(region)])))
                    do {
                        let response = try await self.client.execute(request, timeout: .seconds(3))
                        _ = try await response.body.collect(upTo: 64 << 10)
                    } catch {
                        self.logger.debug("hello not delivered", metadata: ["peer": "\(peer.id)", "error": "\(error)"])
                    }
                }
            }
        }
    }
}
