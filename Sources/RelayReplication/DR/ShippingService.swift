import AsyncHTTPClient
import Logging
import RelayCore
import RelayLedger
import RelayStore
import ServiceLifecycle

/// Runs one shipper per peer and the lag sampler, once the schema is ready, until shutdown.
final class ShippingService: Service, Sendable {
    let shippers: [PeerShipper]
    let lag: LagMonitor
    let sampleInterval: Duration
    let gate: ReadyGate
    let client: HTTPClient
    let logger: Logger

    init(shippers: [PeerShipper], lag: LagMonitor, sampleInterval: Duration, gate: ReadyGate, client: HTTPClient, logger: Logger) {
        self.shippers = shippers
        self.lag = lag
        self.sampleInterval = sampleInterval
        self.gate = gate
        self.client = client
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.gate.wait()
            self.logger.info("shipping started", metadata: ["peers": "\(self.shippers.map(\.peer.id).joined(separator: ","))"])
            await withTaskGroup(of: Void.self) { group in
                for shipper in self.shippers { group.addTask { await shipper.run() } }
                group.addTask {
                    while !Task.isCancelled {
                        do { try await self.lag.sample() } catch {
                            self.logger.warning("lag sampling failed", metadata: ["error": "\(error)"])
                        }
                        try? await Task.sleep(for: self.sampleInterval)
                    }
                }
                await group.waitForAll()
            }
        }
        try? await client.shutdown()
    }
}
