import Hummingbird
import NIOCore
import RelayCore

/// "I am back": a relay-dr that starts tells its peers, and each peer's shipper towards it ends
/// its back-off at once instead of sleeping out up to `maxBackoff` (a failover's RTO and every
/// catch-up paid that wait). Best effort both ways: a lost hello costs one back-off.
extension DRDaemon {
    /// Says hello to every peer, all at once, 3 s each (after the server listens).
    func announce() async {
        let peers = RegionClient(regions: configuration.regions, client: peerClient, adminToken: nil, timeout: .seconds(3))
        let region = configuration.region
        await withTaskGroup(of: Void.self) { group in
            for peer in configuration.regions.ids where peer != region {
                group.addTask {
                    do { _ = try await peers.hello(peer, from: region) } catch {
                        self.logger.debug("hello not delivered", metadata: ["peer": "\(peer)", "error": "\(error)"])
                    }
                }
            }
        }
    }

    /// `POST /v1/replication/hello` `{"region": "<peer>"}`: that peer's relay-dr (re)started and
    /// listens, so the shipper towards it retries now. It only ends a wait: anyone able to reach
    /// the replication port can make a shipper try once more, nothing else.
    func hello(_ request: Request) async -> Response {
        let bytes: ByteBuffer
        do { bytes = try await request.body.collect(upTo: 1 << 10) } catch {
            return Self.json(413, ["detail": "hello larger than 1 KiB"])
        }
        guard let body = try? JSONParser.parse(Array(buffer: bytes)), let peer = body["region"]?.stringValue else {
            return Self.json(400, ["detail": #"expected {"region": "<the peer's region id>"}"#])
        }
        guard shipping.peerIsBack(peer) else {
            return Self.json(404, ["detail": .string("'\(peer)' is not a peer of \(configuration.region)")])
        }
        logger.info("peer announced it is back; shipping to it retries now", metadata: ["peer": "\(peer)"])
        return Self.json(200, ["status": "ok"])
    }
}
